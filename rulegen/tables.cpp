// Pass 8: lowering terms to kernel tables.
// Consumes the ruleset's terms and predicates; produces, for every view, the
// map entries whose longest match (or array slot) partitions the view's values
// into cells, each cell carrying the pair of term sets it yields: may = terms
// whose part on the view can hold there, def = terms whose part certainly
// holds. Tested by tests/test_tables.cpp; the kernel side is kern/eval.bpf.c.
//
// Cells of each kind of view:
//   string (trie)   each stored key (a prefix, or an exact value with its
//                   NUL) and the default; a predicate holds in a cell when
//                   one of its keys is the cell's key or a prefix of it
//                   (ancestor closure: the longest match answers them all)
//   address (trie)  the same with networks as keys
//   number (trie)   points (= and in constants, errno values for evt.res)
//                   and the intervals between comparison thresholds, each
//                   interval written as aligned prefixes
//   small (array)   every value 0..255
#include "rulegen/tables.h"

#include <algorithm>
#include <climits>
#include <map>
#include <set>

#include "rulegen/abi_names.h"

namespace tripline {

bool is_substring_view(int view)
{
    return view >= TL_VIEW_FD_NAME_HAS && view < TL_VIEW_FD_NAME_HAS + TL_HAS_VIEWS;
}

namespace {

// `contains` with a literal of one window on a string the open program has
// whole: a substring view; anything else stays in userspace
int substring_view(const Pred& p, uint32_t class_id)
{
    if (p.op != Op::Contains || class_id != TL_CLASS_OPEN || p.values.size() != 1)
        return -1;
    const auto* needle = std::get_if<std::string>(&p.values[0]);
    if (!needle || needle->empty() || needle->size() > TL_NEEDLE_MAX || needle->find('\0') != std::string::npos)
        return -1;
    if (p.field.id == FieldId::FdName)
        return TL_VIEW_FD_NAME_HAS;
    if (p.field.id == FieldId::FdNameraw)
        return TL_VIEW_FD_NAMERAW_HAS;
    return -1;
}

}  // namespace

int view_of(const Pred& p, uint32_t class_id)
{
    if (!p.kernel_plain() || multi_of(p.field) != FieldInfo::Multi::No)
        return TL_VIEW_USERSPACE;
    if (int v = substring_view(p, class_id); v >= 0)
        return v;
    Lowered l = lowering(p.field, class_id);
    switch (l.how) {
    case Lowering::Str: {
        switch (p.op) {
        case Op::Eq: case Op::Ne: case Op::In: case Op::Intersects: case Op::Startswith:
        case Op::Endswith: case Op::Pmatch: case Op::Exists:
            break;
        default:  // substrings, globs, regular expressions, bytes
            return TL_VIEW_USERSPACE;
        }
        // a value the kernel could never look up whole stays in userspace,
        // and so does a pmatch with a wildcard component
        for (const auto& v : p.values) {
            const auto& s = std::get<std::string>(v);
            if (s.size() > TL_STR_KEY_MAX - 3 || (p.op == Op::Pmatch && s.find_first_of("?*[") != std::string::npos))
                return TL_VIEW_USERSPACE;
        }
        return p.op == Op::Endswith ? l.view + 1 : l.view;
    }
    case Lowering::Num:
    case Lowering::Addr:
    case Lowering::Small:
    case Lowering::Rawres:
        return l.view;
    default:
        return TL_VIEW_USERSPACE;
    }
}

bool view_is_signed(int view)
{
    return view == TL_VIEW_RAWRES || view == TL_VIEW_FD_NUM || view == TL_VIEW_LOGINUID || view == TL_VIEW_SYSARG0;
}

bool view_is_addr(int view)
{
    return view == TL_VIEW_REMOTE_ADDR || view == TL_VIEW_LOCAL_ADDR || view == TL_VIEW_SERVER_ADDR ||
           view == TL_VIEW_CLIENT_ADDR;
}

const char* view_name(int view)
{
    switch (view) {
    case TL_VIEW_EVT_TYPE: return "evt.type";
    case TL_VIEW_FD_KIND: return "fd.type";
    case TL_VIEW_OPEN_READ: return "evt.is_open_read";
    case TL_VIEW_OPEN_WRITE: return "evt.is_open_write";
    case TL_VIEW_L4PROTO: return "fd.l4proto";
    case TL_VIEW_FD_NAME_HAS: return "fd.name substrings";
    case TL_VIEW_FD_NAMERAW_HAS: return "fd.nameraw substrings";
    case TL_VIEW_EXE_FLAGS: return "proc.is_exe_*";
    case TL_VIEW_RAWRES: return "evt.rawres";
    case TL_VIEW_PID: return "proc.pid";
    case TL_VIEW_PPID: return "proc.ppid";
    case TL_VIEW_UID: return "user.uid";
    case TL_VIEW_GID: return "group.gid";
    case TL_VIEW_LOGINUID: return "user.loginuid";
    case TL_VIEW_FD_NUM: return "fd.num";
    case TL_VIEW_REMOTE_ADDR: return "remote address";
    case TL_VIEW_LOCAL_ADDR: return "local address";
    case TL_VIEW_REMOTE_PORT: return "remote port";
    case TL_VIEW_LOCAL_PORT: return "local port";
    case TL_VIEW_SERVER_ADDR: return "server address";
    case TL_VIEW_CLIENT_ADDR: return "client address";
    case TL_VIEW_SERVER_PORT: return "server port";
    case TL_VIEW_CLIENT_PORT: return "client port";
    case TL_VIEW_SYSARG0: return "evt.sysarg[0]";
    case TL_VIEW_TTY: return "proc.tty";
    case TL_VIEW_PROC_NAME: return "proc.name";
    case TL_VIEW_PROC_NAME_REV: return "proc.name reversed";
    case TL_VIEW_PNAME: return "proc.pname";
    case TL_VIEW_PNAME_REV: return "proc.pname reversed";
    case TL_VIEW_EXE: return "proc.exe";
    case TL_VIEW_EXE_REV: return "proc.exe reversed";
    case TL_VIEW_EXEPATH: return "proc.exepath";
    case TL_VIEW_EXEPATH_REV: return "proc.exepath reversed";
    case TL_VIEW_CONTAINER_ID: return "container.id";
    case TL_VIEW_CONTAINER_ID_REV: return "container.id reversed";
    case TL_VIEW_FD_NAME: return "fd.name";
    case TL_VIEW_FD_NAME_REV: return "fd.name reversed";
    case TL_VIEW_FD_DIRECTORY: return "fd.directory";
    case TL_VIEW_FD_DIRECTORY_REV: return "fd.directory reversed";
    case TL_VIEW_FD_FILENAME: return "fd.filename";
    case TL_VIEW_FD_FILENAME_REV: return "fd.filename reversed";
    case TL_VIEW_CWD: return "proc.cwd";
    case TL_VIEW_CWD_REV: return "proc.cwd reversed";
    case TL_VIEW_USERSPACE: return "userspace";
    default: return "?";
    }
}

namespace {

enum class ViewKind { Small, Num, Addr, Str };

ViewKind kind_of(int view)
{
    if (view < TL_SMALL_VIEWS)
        return ViewKind::Small;
    if (view_is_addr(view))
        return ViewKind::Addr;
    if (view < TL_FIRST_STR_VIEW)
        return ViewKind::Num;
    return ViewKind::Str;
}

Bitmap ones()
{
    Bitmap b;
    b.fill(~0ULL);
    return b;
}

void set_bit(Bitmap& b, uint32_t bit, bool on)
{
    if (on)
        b[bit / 64] |= 1ULL << (bit % 64);
    else
        b[bit / 64] &= ~(1ULL << (bit % 64));
}

// a bit string: the first `bits` bits of `bytes`
struct BitKey {
    std::string bytes;
    uint32_t bits = 0;
    auto operator<=>(const BitKey&) const = default;
};

BitKey canonical(std::string bytes, uint32_t bits)
{
    bytes.resize((bits + 7) / 8);
    if (bits % 8)
        bytes.back() = static_cast<char>(static_cast<uint8_t>(bytes.back()) & (0xff << (8 - bits % 8)));
    return BitKey{std::move(bytes), bits};
}

struct ViewTerms {
    std::vector<std::pair<uint32_t, const Formula*>> parts;  // (bit, the term's formula on the view)
    std::vector<int> preds;
    Bitmap base = ones();  // bits of terms without a part on the view
};

class Lowerer {
public:
    Lowerer(const std::vector<TermInfo>& terms, const std::vector<Pred>& preds, Diagnostics& diags)
        : terms_(terms), preds_(preds), diags_(diags)
    {
    }

    KernelTables run()
    {
        out_.sets.push_back(ones());
        ids_[ones()] = TL_SET_ALL;
        if (!assign_bits())
            return out_;
        gather_views();
        for (int v = 0; v < TL_NVIEWS; v++) {
            out_.unknown[v] = out_.absent[v] = tl_pair{TL_SET_ALL, TL_SET_ALL};
            auto it = views_.find(v);
            if (it == views_.end())
                continue;
            const ViewTerms& vt = it->second;
            out_.unknown[v] = cell(vt, [](int) { return Tri::U; });
            out_.absent[v] = cell(vt, [](int) { return Tri::F; });
            if (v == TL_VIEW_USERSPACE)
                continue;  // always unknown in the kernel: no table
            switch (kind_of(v)) {
            case ViewKind::Small: small_view(v, vt); break;
            case ViewKind::Num: num_view(v, vt); break;
            case ViewKind::Addr:
            case ViewKind::Str: prefix_view(v, vt); break;
            }
        }
        out_.valid_set = intern(valid_);
        syscall_table();
        check_capacity();
        return out_;
    }

private:
    // terms of a class are contiguous, each class starting on a word
    bool assign_bits()
    {
        out_.bit_of_term.assign(terms_.size(), 0);
        valid_.fill(0);
        uint32_t next = 0;
        for (uint32_t c = 1; c < TL_CLASS_COUNT; c++) {
            uint32_t start = next;
            for (size_t i = 0; i < terms_.size(); i++) {
                if (terms_[i].class_id != c)
                    continue;
                if (next >= TL_MAX_TERMS) {
                    diags_.error(Code::Capacity, {},
                                 "the ruleset needs more than " + std::to_string(TL_MAX_TERMS) +
                                     " kernel terms (rules split at 'or' across fields count one per branch)",
                                 "disable rules, or merge rules that differ only in a value");
                    return false;
                }
                out_.bit_of_term[i] = next;
                set_bit(valid_, next, true);
                next++;
            }
            out_.classes[c].word_lo = static_cast<uint16_t>(start / 64);
            out_.classes[c].word_hi = static_cast<uint16_t>(next == start ? start / 64 : (next + 63) / 64);
            next = (next + 63) / 64 * 64;
        }
        return true;
    }

    void gather_views()
    {
        for (size_t i = 0; i < terms_.size(); i++) {
            uint32_t bit = out_.bit_of_term[i];
            for (const auto& [view, part] : terms_[i].term.parts) {
                ViewTerms& vt = views_[view];
                vt.parts.push_back({bit, &part});
                set_bit(vt.base, bit, false);
                collect_preds(part, vt.preds);
                out_.classes[terms_[i].class_id].views |= 1ULL << view;
            }
        }
    }

    uint32_t intern(const Bitmap& b)
    {
        auto it = ids_.find(b);
        if (it != ids_.end())
            return it->second;
        uint32_t id = static_cast<uint32_t>(out_.sets.size());
        out_.sets.push_back(b);
        ids_.emplace(b, id);
        return id;
    }

    tl_pair cell(const ViewTerms& vt, const std::function<Tri(int)>& truth)
    {
        Bitmap may = vt.base, def = vt.base;
        for (const auto& [bit, part] : vt.parts) {
            Tri t = eval3(*part, truth);
            set_bit(may, bit, t != Tri::F);
            set_bit(def, bit, t == Tri::T);
        }
        return tl_pair{intern(may), intern(def)};
    }

    void small_view(int v, const ViewTerms& vt)
    {
        if (is_substring_view(v))
            return substring_view_cells(v, vt);
        for (uint32_t value = 0; value < 256; value++) {
            auto pair = cell(vt, [&](int p) {
                const Pred& pred = preds_.at(p);
                return eval_pred(pred, small_value(pred.field.id, value)) ? Tri::T : Tri::F;
            });
            out_.small.push_back(SmallEntry{static_cast<uint8_t>(v), static_cast<uint8_t>(value), pair});
        }
    }

    // The view's value is the set of needles found: needle j is bit j. The
    // first TL_NEEDLES distinct needles get a bit; a predicate on any other
    // stays unknown in every cell, which is sound.
    void substring_view_cells(int v, const ViewTerms& vt)
    {
        tl_needles& nd = out_.needles[v - TL_VIEW_FD_NAME_HAS];
        for (uint32_t j = 0; j < TL_NEEDLES; j++)
            nd.val[j] = 1;  // with mask 0: never matches
        std::map<std::string, uint32_t> bit;
        auto needle = [&](int p) -> const std::string& { return std::get<std::string>(preds_.at(p).values[0]); };
        for (int p : vt.preds) {
            const std::string& s = needle(p);
            if (bit.count(s) || nd.n >= TL_NEEDLES)
                continue;
            uint64_t val = 0;
            for (unsigned char c : s)
                val = val << 8 | c;  // the newest byte lowest, as the kernel shifts them in
            nd.val[nd.n] = val;
            nd.mask[nd.n] = s.size() == 8 ? ~0ULL : (1ULL << (8 * s.size())) - 1;
            bit[s] = nd.n++;
        }
        for (uint32_t value = 0; value < 256; value++) {
            auto pair = cell(vt, [&](int p) {
                auto it = bit.find(needle(p));
                if (it == bit.end())
                    return Tri::U;
                return (value >> it->second) & 1 ? Tri::T : Tri::F;
            });
            out_.small.push_back(SmallEntry{static_cast<uint8_t>(v), static_cast<uint8_t>(value), pair});
        }
    }

    // ---- string and address views: longest prefix match ----

    std::vector<BitKey> keys_of(int view, const Pred& p)
    {
        std::vector<BitKey> keys;
        if (kind_of(view) == ViewKind::Addr) {
            for (const auto& v : p.values) {
                const auto& net = std::get<IpNet>(v);
                keys.push_back(canonical(std::string(net.addr.b.begin(), net.addr.b.end()),
                                         static_cast<uint32_t>(net.prefix)));
            }
            return keys;
        }
        const bool reversed = view & 1;
        for (const auto& v : p.values) {
            std::string s = std::get<std::string>(v);
            if (p.op == Op::Pmatch) {
                // the path itself, and everything below it; pmatch compares
                // components, so "etc//x/" is "/etc/x"
                std::string canon;
                for (size_t i = 0, j; i < s.size(); i = j + 1) {
                    j = s.find('/', i);
                    if (j == std::string::npos)
                        j = s.size();
                    if (j > i)
                        canon += "/" + s.substr(i, j - i);
                }
                s = canon.empty() ? "/" : canon;
                keys.push_back(BitKey{s + '\0', static_cast<uint32_t>(8 * (s.size() + 1))});
                std::string below = s == "/" ? s : s + "/";
                keys.push_back(BitKey{below, static_cast<uint32_t>(8 * below.size())});
                continue;
            }
            if (reversed)
                std::reverse(s.begin(), s.end());
            else if (p.op != Op::Startswith)
                s += '\0';  // an exact value: only itself below it
            keys.push_back(BitKey{s, static_cast<uint32_t>(8 * s.size())});
        }
        return keys;
    }

    static bool positive(Op op) { return op != Op::Ne && op != Op::Exists; }

    void prefix_view(int v, const ViewTerms& vt)
    {
        const bool addr = kind_of(v) == ViewKind::Addr;
        std::map<BitKey, std::vector<int>> preds_at;  // stored key -> predicates it decides
        for (int p : vt.preds)
            if (preds_.at(p).op != Op::Exists)
                for (auto& k : keys_of(v, preds_.at(p)))
                    preds_at[k].push_back(p);

        std::vector<BitKey> cells;
        for (const auto& [k, _] : preds_at)
            cells.push_back(k);
        if (!preds_at.count(BitKey{}))
            cells.push_back(BitKey{});  // the default: no stored key matches
        for (const auto& c : cells) {
            // keys at or above the cell: every prefix length that is stored
            std::set<int> hit;
            uint32_t step = addr ? 1 : 8;
            for (uint32_t bits = 0; bits <= c.bits; bits += step) {
                auto it = preds_at.find(canonical(c.bytes, bits));
                if (it != preds_at.end())
                    hit.insert(it->second.begin(), it->second.end());
            }
            tl_pair pair = cell(vt, [&](int p) {
                Op op = preds_.at(p).op;
                if (op == Op::Exists)
                    return Tri::T;
                bool h = hit.count(p) != 0;
                return (positive(op) ? h : !h) ? Tri::T : Tri::F;
            });
            if (addr) {
                NumEntry e{static_cast<uint8_t>(v), {}, c.bits, pair};
                std::copy(c.bytes.begin(), c.bytes.end(), e.val.begin());
                out_.num.push_back(e);
            } else {
                out_.str.push_back(StrEntry{static_cast<uint8_t>(v), c.bytes, pair});
            }
        }
    }

    // ---- number views: points and intervals ----

    void num_view(int v, const ViewTerms& vt)
    {
        const bool is_signed = view_is_signed(v);
        const int64_t lowest = is_signed ? INT64_MIN : 0;
        bool has_res = false;
        std::set<int64_t> points, bounds;
        for (int p : vt.preds) {
            const Pred& pred = preds_.at(p);
            if (pred.field.id == FieldId::EvtRes) {
                has_res = true;
                continue;
            }
            for (const auto& val : pred.values) {
                int64_t c = std::get<int64_t>(val);
                switch (pred.op) {
                case Op::Eq: case Op::Ne: case Op::In: points.insert(c); break;
                case Op::Lt: case Op::Ge: bounds.insert(c); break;
                case Op::Le: case Op::Gt: if (c != INT64_MAX) bounds.insert(c + 1); break;
                default: break;
                }
            }
        }
        if (has_res) {
            bounds.insert(0);  // SUCCESS from 0 up
            for (int e : named_errnos())
                points.insert(-static_cast<int64_t>(e));
        }

        auto truth_at = [&](int64_t x, bool is_point) {
            return [&, x, is_point](int p) {
                const Pred& pred = preds_.at(p);
                if (pred.field.id == FieldId::EvtRes) {
                    if (!is_point && x < 0)
                        return Tri::U;  // an error without a name: tripline prints the number
                    return eval_pred(pred, Value{evt_res_string(x)}) ? Tri::T : Tri::F;
                }
                if (!is_point && (pred.op == Op::Eq || pred.op == Op::In))
                    return Tri::F;  // every constant is a point of its own
                if (!is_point && pred.op == Op::Ne)
                    return Tri::T;
                return eval_pred(pred, Value{x}) ? Tri::T : Tri::F;
            };
        };

        // unsigned views: values past 2^63 are outside the domain, unknown
        if (!is_signed)
            add_num_range(v, 0, UINT64_MAX, out_.unknown[v]);
        std::vector<int64_t> starts{lowest};
        for (int64_t b : bounds)
            if (b > lowest)
                starts.push_back(b);
        for (size_t i = 0; i < starts.size(); i++) {
            int64_t lo = starts[i];
            int64_t hi = i + 1 < starts.size() ? starts[i + 1] - 1 : INT64_MAX;
            tl_pair pair = cell(vt, truth_at(lo, false));
            add_num_range(v, encode(lo, is_signed), encode(hi, is_signed), pair);
        }
        for (int64_t x : points) {
            if (x < lowest)
                continue;  // an unsigned view never sees it
            tl_pair pair = cell(vt, truth_at(x, true));
            uint64_t u = encode(x, is_signed);
            add_num_prefix(v, u, 64, pair);
        }
    }

    static uint64_t encode(int64_t x, bool is_signed)
    {
        uint64_t u = static_cast<uint64_t>(x);
        return is_signed ? u ^ (1ULL << 63) : u;
    }

    void add_num_prefix(int v, uint64_t value, uint32_t bits, tl_pair pair)
    {
        NumEntry e{static_cast<uint8_t>(v), {}, bits, pair};
        for (int i = 0; i < 8; i++)
            e.val[i] = static_cast<uint8_t>(value >> (56 - 8 * i));
        out_.num.push_back(e);
    }

    // [a, b] as aligned blocks, the largest first
    void add_num_range(int v, uint64_t a, uint64_t b, tl_pair pair)
    {
        if (a == 0 && b == UINT64_MAX) {
            add_num_prefix(v, 0, 0, pair);
            return;
        }
        for (;;) {
            int k = 0;  // a block of 2^k values starting at a
            while (k < 63) {
                uint64_t next = 1ULL << (k + 1);
                if ((a & (next - 1)) != 0 || b - a < next - 1)
                    break;
                k++;
            }
            add_num_prefix(v, a, static_cast<uint32_t>(64 - k), pair);
            uint64_t size = 1ULL << k;
            if (b - a < size)
                return;
            a += size;
        }
    }

    void syscall_table()
    {
        int max_nr = 0;
        for (const auto& s : syscalls_x86_64())
            max_nr = std::max(max_nr, s.nr);
        out_.syscalls.assign(static_cast<size_t>(max_nr) + 1, tl_syscall{});
        auto evt_view = views_.find(TL_VIEW_EVT_TYPE);
        for (const auto& s : syscalls_x86_64()) {
            tl_syscall& e = out_.syscalls[static_cast<size_t>(s.nr)];
            e.evt_type = s.evt_type;
            e.str_args = s.str_args;
            e.fd_from = s.fd_from;
            const tl_class_cfg& cls = out_.classes[s.class_id];
            if (s.class_id == TL_CLASS_NONE || cls.word_lo >= cls.word_hi)
                continue;
            bool interesting = true;
            if (evt_view != views_.end() && (cls.views >> TL_VIEW_EVT_TYPE) & 1) {
                const Bitmap& may = out_.sets[out_.small[small_index(s.evt_type)].pair.may];
                interesting = false;
                for (uint32_t w = cls.word_lo; w < cls.word_hi; w++)
                    interesting = interesting || (may[w] & valid_[w]);
            }
            if (interesting)
                e.class_id = s.class_id;
        }
        // ia32: marked (never dispatched) when the same kind is watched on x86_64
        int max_ia32 = 0;
        for (const auto& s : syscalls_ia32())
            max_ia32 = std::max(max_ia32, s.nr);
        std::vector<tl_syscall> x86 = out_.syscalls;
        out_.syscalls.resize(TL_COMPAT_BASE + static_cast<size_t>(max_ia32) + 1, tl_syscall{});
        for (const auto& s : syscalls_ia32()) {
            tl_syscall& e = out_.syscalls[TL_COMPAT_BASE + static_cast<size_t>(s.nr)];
            e.evt_type = s.evt_type;
            for (const tl_syscall& w : x86)
                if (w.class_id == s.class_id && (s.evt_type == TL_EVT_UNKNOWN || w.evt_type == s.evt_type))
                    e.class_id = s.class_id;
        }
    }

    size_t small_index(uint32_t evt_type) const
    {
        // the evt.type view's 256 entries, in value order
        for (size_t i = 0; i < out_.small.size(); i++)
            if (out_.small[i].view == TL_VIEW_EVT_TYPE && out_.small[i].value == evt_type)
                return i;
        return 0;
    }

    void check_capacity()
    {
        auto over = [&](size_t n, size_t max, const char* what) {
            if (n > max)
                diags_.error(Code::Capacity, {},
                             "the ruleset needs " + std::to_string(n) + " " + what + "; the kernel holds " +
                                 std::to_string(max),
                             "disable rules or shorten value lists");
        };
        over(out_.sets.size(), TL_MAX_SETS, "distinct term sets");
        over(out_.str.size(), TL_STR_ENTRIES / 2, "string table entries");
        over(out_.num.size(), TL_NUM_ENTRIES / 2, "number table entries");
    }

    const std::vector<TermInfo>& terms_;
    const std::vector<Pred>& preds_;
    Diagnostics& diags_;
    KernelTables out_;
    std::map<Bitmap, uint32_t> ids_;
    std::map<int, ViewTerms> views_;
    Bitmap valid_{};
};

}  // namespace

KernelTables lower_tables(const std::vector<TermInfo>& terms, const std::vector<Pred>& preds,
                          Diagnostics& diags)
{
    return Lowerer(terms, preds, diags).run();
}

// ---- the userspace model of the kernel's lookups ----

std::array<uint8_t, 16> num_key_value(int view, int64_t v)
{
    std::array<uint8_t, 16> out{};
    uint64_t u = static_cast<uint64_t>(v);
    if (view_is_signed(view))
        u ^= 1ULL << 63;
    for (int i = 0; i < 8; i++)
        out[i] = static_cast<uint8_t>(u >> (56 - 8 * i));
    return out;
}

std::array<uint8_t, 16> addr_key_value(const IpAddr& a) { return a.b; }

tl_pair model_lookup_str(const KernelTables& t, int view, const std::string& value)
{
    if (value.size() + 1 >= TL_STR_KEY_MAX)
        return t.unknown[view];
    std::string s = value;
    if (view & 1)
        std::reverse(s.begin(), s.end());
    s += '\0';
    const StrEntry* best = nullptr;
    for (const auto& e : t.str)
        if (e.view == view && s.compare(0, e.bytes.size(), e.bytes) == 0 &&
            (!best || e.bytes.size() > best->bytes.size()))
            best = &e;
    return best ? best->pair : t.unknown[view];
}

tl_pair model_lookup_num(const KernelTables& t, int view, const std::array<uint8_t, 16>& key)
{
    const NumEntry* best = nullptr;
    for (const auto& e : t.num) {
        if (e.view != view)
            continue;
        bool match = true;
        for (uint32_t bit = 0; bit < e.bits && match; bit++)
            match = ((e.val[bit / 8] >> (7 - bit % 8)) & 1) == ((key[bit / 8] >> (7 - bit % 8)) & 1);
        if (match && (!best || e.bits > best->bits))
            best = &e;
    }
    return best ? best->pair : t.unknown[view];
}

}  // namespace tripline
