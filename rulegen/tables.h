// Kernel tables: what the compiler writes into the BPF maps for one ruleset
// generation, as plain data (the loader adds the generation parity). See
// kern/tables.h for the kernel's side of the same layout.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "rulegen/formula.h"
#include "rulegen/predicate.h"

extern "C" {
#include "kern/tables.h"
}

namespace tripline {

// which view decides a predicate in a class (TL_VIEW_USERSPACE: only userspace)
int view_of(const Pred& p, uint32_t class_id);
bool is_substring_view(int view);  // `contains` on a string: the needles it has
bool view_is_signed(int view);
bool view_is_addr(int view);
const char* view_name(int view);

// One term of the ruleset, at its bit.
struct TermInfo {
    int rule = -1;
    uint32_t class_id = 0;
    Term term;
};

using Bitmap = std::array<uint64_t, TL_MAX_WORDS>;

struct StrEntry {
    uint8_t view;
    std::string bytes;   // key after (gen, view); exact values end with '\0'
    tl_pair pair;
};

struct NumEntry {
    uint8_t view;
    std::array<uint8_t, 16> val{};
    uint32_t bits;       // prefix length of val
    tl_pair pair;
};

struct SmallEntry {
    uint8_t view;
    uint8_t value;
    tl_pair pair;
};

struct KernelTables {
    std::vector<Bitmap> sets;  // term set id -> bitmap; sets[0] is every term
    std::array<tl_class_cfg, TL_CLASS_COUNT> classes{};
    std::array<tl_pair, TL_NVIEWS> unknown{};
    std::array<tl_pair, TL_NVIEWS> absent{};
    uint32_t valid_set = 0;    // the bits that are terms
    std::vector<SmallEntry> small;
    std::vector<StrEntry> str;
    std::vector<NumEntry> num;
    std::vector<tl_syscall> syscalls;  // by x86_64 syscall number, then TL_COMPAT_BASE + ia32 number
    std::vector<uint32_t> bit_of_term; // term index -> bit
    std::array<tl_needles, TL_HAS_VIEWS> needles{};  // of the substring views
};

// Pass 8 (tests/test_tables.cpp): terms -> tables. Reports capacity errors.
KernelTables lower_tables(const std::vector<TermInfo>& terms, const std::vector<Pred>& preds,
                          Diagnostics& diags);

// The kernel's lookup, modelled in userspace: the pair a view yields for a
// value. Unit tests check the tables with it; the differential tests check
// the real kernel against the reference evaluator.
tl_pair model_lookup_str(const KernelTables& t, int view, const std::string& s);
tl_pair model_lookup_num(const KernelTables& t, int view, const std::array<uint8_t, 16>& key_val);
std::array<uint8_t, 16> num_key_value(int view, int64_t v);
std::array<uint8_t, 16> addr_key_value(const IpAddr& a);

}  // namespace tripline
