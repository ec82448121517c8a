// Lowering to kernel tables (pass 8), checked through the userspace model of
// the kernel's lookups: ancestor closure, three-valued cells, numbers,
// addresses, small views, and the T/U combination of views.
#include "rulegen/abi_names.h"
#include "tests/support.h"

using namespace tripline;

namespace {

Ruleset compile(const std::string& cond)
{
    return tltest::must_compile("- rule: r\n  condition: " + cond + "\n  output: o\n  desc: d\n  priority: INFO\n");
}

bool bit(const KernelTables& t, uint32_t set, uint32_t term_bit)
{
    return (t.sets.at(set)[term_bit / 64] >> (term_bit % 64)) & 1;
}

// may/def of term 0 of the rule for one lookup
std::pair<bool, bool> str_cell(const Ruleset& rs, int view, const std::string& s, size_t term = 0)
{
    tl_pair p = model_lookup_str(rs.tables, view, s);
    uint32_t b = rs.tables.bit_of_term.at(term);
    return {bit(rs.tables, p.may, b), bit(rs.tables, p.def, b)};
}

std::pair<bool, bool> num_cell(const Ruleset& rs, int view, int64_t v, size_t term = 0)
{
    tl_pair p = model_lookup_num(rs.tables, view, num_key_value(view, v));
    uint32_t b = rs.tables.bit_of_term.at(term);
    return {bit(rs.tables, p.may, b), bit(rs.tables, p.def, b)};
}

const std::pair<bool, bool> yes{true, true}, no{false, false}, maybe{true, false};

}  // namespace

TEST_SUITE("tables") {

TEST_CASE("ancestor closure: the longest match answers every prefix predicate")
{
    Ruleset rs = compile("evt.type = openat and fd.name startswith /etc/ and not fd.name startswith /etc/ssl/ "
                         "and not fd.name = /etc/hosts");
    CHECK(str_cell(rs, TL_VIEW_FD_NAME, "/etc/passwd") == yes);
    CHECK(str_cell(rs, TL_VIEW_FD_NAME, "/etc/ssl/certs/x") == no);
    CHECK(str_cell(rs, TL_VIEW_FD_NAME, "/etc/hosts") == no);
    CHECK(str_cell(rs, TL_VIEW_FD_NAME, "/etc/hosts.allow") == yes);  // exact entries end with NUL
    CHECK(str_cell(rs, TL_VIEW_FD_NAME, "/etc") == no);
    CHECK(str_cell(rs, TL_VIEW_FD_NAME, "/usr/lib/x") == no);
    // one stored entry per distinct key plus the default: no per-prefix copies
    size_t n = 0;
    for (const auto& e : rs.tables.str)
        n += e.view == TL_VIEW_FD_NAME;
    CHECK(n == 4);
}

TEST_CASE("endswith uses the reversed trie")
{
    Ruleset rs = compile("evt.type = openat and fd.name endswith /.aws/credentials");
    CHECK(str_cell(rs, TL_VIEW_FD_NAME_REV, "/root/.aws/credentials") == yes);
    CHECK(str_cell(rs, TL_VIEW_FD_NAME_REV, "/root/.aws/credentials.bak") == no);
    CHECK(str_cell(rs, TL_VIEW_FD_NAME, "/anything") == yes);  // no forward constraint
}

TEST_CASE("strings too long for a key are unknown: may, never def")
{
    Ruleset rs = compile("evt.type = openat and fd.name startswith /etc/");
    std::string long_path = "/etc/" + std::string(300, 'x');
    CHECK(str_cell(rs, TL_VIEW_FD_NAME, long_path) == maybe);
    // and a constant too long for a key is left to userspace
    Ruleset rs2 = compile("evt.type = openat and fd.name = /" + std::string(300, 'y'));
    CHECK(rs2.rules[0].userspace);
}

TEST_CASE("numbers: points and intervals, signed and unsigned")
{
    Ruleset rs = compile("evt.type = openat and fd.num >= 0 and fd.num != 7 and fd.num < 100");
    CHECK(num_cell(rs, TL_VIEW_FD_NUM, 0) == yes);
    CHECK(num_cell(rs, TL_VIEW_FD_NUM, 99) == yes);
    CHECK(num_cell(rs, TL_VIEW_FD_NUM, 7) == no);
    CHECK(num_cell(rs, TL_VIEW_FD_NUM, 100) == no);
    CHECK(num_cell(rs, TL_VIEW_FD_NUM, -1) == no);
    CHECK(num_cell(rs, TL_VIEW_FD_NUM, INT32_MIN) == no);

    Ruleset u = compile("evt.type = setuid and user.uid in (0, 1000) or evt.type = setuid and user.uid > 60000");
    for (int64_t v : {int64_t{0}, int64_t{1000}, int64_t{60001}, int64_t{4294967295LL}})
        CHECK(num_cell(u, TL_VIEW_UID, v).second);
    for (int64_t v : {1, 999, 60000})
        CHECK_FALSE(num_cell(u, TL_VIEW_UID, v).first);
}

TEST_CASE("evt.res is decided through the errno names, on the rawres view")
{
    Ruleset rs = compile("evt.type = openat and evt.res startswith E and not evt.res = ENOENT");
    CHECK(num_cell(rs, TL_VIEW_RAWRES, -13) == yes);  // EACCES
    CHECK(num_cell(rs, TL_VIEW_RAWRES, -2) == no);    // ENOENT
    CHECK(num_cell(rs, TL_VIEW_RAWRES, 3) == no);     // SUCCESS
    CHECK(num_cell(rs, TL_VIEW_RAWRES, -4000) == maybe);  // an error without a name
    Ruleset ok = compile("evt.type = openat and evt.res = SUCCESS");
    CHECK(num_cell(ok, TL_VIEW_RAWRES, 0) == yes);
    CHECK(num_cell(ok, TL_VIEW_RAWRES, 12345) == yes);
    CHECK(num_cell(ok, TL_VIEW_RAWRES, -1) == no);
}

TEST_CASE("addresses and networks on one trie")
{
    Ruleset rs = compile("evt.type = connect and fd.snet in (10.0.0.0/8, 192.168.0.0/16) and not fd.sip = 10.1.2.3");
    auto cell = [&](const char* ip) {
        tl_pair p = model_lookup_num(rs.tables, TL_VIEW_SERVER_ADDR, addr_key_value(*parse_ip(ip)));
        uint32_t b = rs.tables.bit_of_term[0];
        return std::make_pair(bit(rs.tables, p.may, b), bit(rs.tables, p.def, b));
    };
    CHECK(cell("10.9.9.9") == yes);
    CHECK(cell("192.168.1.1") == yes);
    CHECK(cell("10.1.2.3") == no);
    CHECK(cell("11.0.0.1") == no);
    CHECK(cell("::1") == no);
}

TEST_CASE("small views: every value has its own slot")
{
    Ruleset rs = compile("evt.type = connect and fd.typechar in (4, 6) and fd.l4proto = tcp");
    auto slot = [&](int view, int value) {
        for (const auto& e : rs.tables.small)
            if (e.view == view && e.value == value)
                return bit(rs.tables, e.pair.def, rs.tables.bit_of_term[0]);
        FAIL("no slot");
        return false;
    };
    CHECK(slot(TL_VIEW_FD_KIND, TL_FD_IPV4));
    CHECK(slot(TL_VIEW_FD_KIND, TL_FD_IPV6));
    CHECK_FALSE(slot(TL_VIEW_FD_KIND, TL_FD_UNIX));
    CHECK(slot(TL_VIEW_L4PROTO, TL_L4_TCP));
    CHECK_FALSE(slot(TL_VIEW_L4PROTO, TL_L4_UDP));
    CHECK_FALSE(slot(TL_VIEW_L4PROTO, TL_L4_UNKNOWN));  // no value: absent, comparisons false
}

TEST_CASE("contains with a short literal: a substring view, one bit per needle")
{
    // needles up to a window (8 bytes) on an open's fd.name or fd.nameraw; others stay in userspace
    Ruleset rs = compile("evt.type = openat and fd.nameraw contains \"../\" and not fd.name contains id_rsa "
                         "and fd.name contains /a-much-longer-needle/ and proc.cmdline contains x");
    CHECK(view_of(rs.preds[1], TL_CLASS_OPEN) == TL_VIEW_FD_NAMERAW_HAS);
    CHECK(view_of(rs.preds[2], TL_CLASS_OPEN) == TL_VIEW_FD_NAME_HAS);
    CHECK(view_of(rs.preds[3], TL_CLASS_OPEN) == TL_VIEW_USERSPACE);
    CHECK(view_of(rs.preds[2], TL_CLASS_EXEC) == TL_VIEW_USERSPACE);
    const tl_needles& raw = rs.tables.needles[TL_VIEW_FD_NAMERAW_HAS - TL_VIEW_FD_NAME_HAS];
    REQUIRE(raw.n == 1);
    CHECK(raw.val[0] == (uint64_t('.') << 16 | uint64_t('.') << 8 | '/'));  // newest byte lowest
    CHECK(raw.mask[0] == 0xffffff);
    CHECK(raw.mask[1] == 0);  // unused needles never match
    CHECK(raw.val[1] == 1);
    auto slot = [&](int view, int value) {
        for (const auto& e : rs.tables.small)
            if (e.view == view && e.value == value)
                return std::pair<bool, bool>{bit(rs.tables, e.pair.may, rs.tables.bit_of_term[0]),
                                             bit(rs.tables, e.pair.def, rs.tables.bit_of_term[0])};
        FAIL("no slot");
        return no;
    };
    CHECK(slot(TL_VIEW_FD_NAMERAW_HAS, 1) == yes);
    CHECK(slot(TL_VIEW_FD_NAMERAW_HAS, 0) == no);
    CHECK(slot(TL_VIEW_FD_NAME_HAS, 0) == yes);  // not (fd.name contains id_rsa)
    CHECK(slot(TL_VIEW_FD_NAME_HAS, 1) == no);

    // past TL_NEEDLES distinct needles on one view, the rest are unknown in every cell
    std::string many = "evt.type = openat and (";
    for (int i = 0; i < TL_NEEDLES + 1; i++)
        many += (i ? " or " : "") + std::string("fd.name contains n") + std::to_string(i);
    Ruleset m = compile(many + ")");
    CHECK(m.tables.needles[0].n == TL_NEEDLES);
    bool all_may = true, any_def_at_zero = false;
    for (const auto& e : m.tables.small)
        if (e.view == TL_VIEW_FD_NAME_HAS) {
            all_may = all_may && bit(m.tables, e.pair.may, m.tables.bit_of_term[0]);
            any_def_at_zero = any_def_at_zero || (e.value == 0 && bit(m.tables, e.pair.def, m.tables.bit_of_term[0]));
        }
    CHECK(all_may);                // the ninth needle may be in any string
    CHECK_FALSE(any_def_at_zero);  // and finding none of the eight decides nothing
}

TEST_CASE("T/U combination: AND of views gives may/def; userspace views stay unknown")
{
    Ruleset rs = compile("evt.type = execve and proc.name = curl and proc.cmdline contains metadata");
    const KernelTables& t = rs.tables;
    uint32_t b = t.bit_of_term[0];
    tl_pair name = model_lookup_str(t, TL_VIEW_PROC_NAME, "curl");
    tl_pair user = t.unknown[TL_VIEW_USERSPACE];
    bool may = bit(t, name.may, b) && bit(t, user.may, b);
    bool def = bit(t, name.def, b) && bit(t, user.def, b);
    CHECK(may);
    CHECK_FALSE(def);
    tl_pair wget = model_lookup_str(t, TL_VIEW_PROC_NAME, "wget");
    CHECK_FALSE(bit(t, wget.may, b));
    // absent values make comparisons false; unknown ones leave terms possible
    Ruleset p = compile("evt.type = execve and not proc.pname = bash");
    CHECK(bit(p.tables, p.tables.absent[TL_VIEW_PNAME].def, p.tables.bit_of_term[0]));
    CHECK(bit(p.tables, p.tables.unknown[TL_VIEW_PNAME].may, p.tables.bit_of_term[0]));
    CHECK_FALSE(bit(p.tables, p.tables.unknown[TL_VIEW_PNAME].def, p.tables.bit_of_term[0]));
}

TEST_CASE("classes get their own word ranges; padding bits are not terms")
{
    Ruleset rs = tltest::must_compile_files({tltest::repo_dir() + "/rules"});
    const KernelTables& t = rs.tables;
    for (uint32_t c = 1; c < TL_CLASS_COUNT; c++)
        CHECK(t.classes[c].word_lo <= t.classes[c].word_hi);
    for (size_t i = 0; i < rs.terms.size(); i++) {
        uint32_t b = t.bit_of_term[i];
        const auto& cls = t.classes[rs.terms[i].class_id];
        CHECK(b / 64 >= cls.word_lo);
        CHECK(b / 64 < cls.word_hi);
        CHECK(bit(t, t.valid_set, b));
    }
    size_t valid = 0;
    for (uint64_t w : t.sets[t.valid_set])
        valid += static_cast<size_t>(__builtin_popcountll(w));
    CHECK(valid == rs.terms.size());
}

TEST_CASE("only syscalls some rule may want are interesting")
{
    Ruleset rs = compile("evt.type = openat and fd.name = /x");
    CHECK(rs.tables.syscalls.at(257).class_id == TL_CLASS_OPEN);  // openat
    CHECK(rs.tables.syscalls.at(2).class_id == 0);                // open
    CHECK(rs.tables.syscalls.at(42).class_id == 0);               // connect
    CHECK(rs.tables.syscalls.at(59).evt_type == TL_EVT_EXECVE);   // exec: type known, never dispatched
    CHECK(rs.tables.syscalls.at(59).class_id == 0);
}

TEST_CASE("capacity is checked at compile time, naming the limit")
{
    std::string many = "evt.type = openat and fd.name in (";
    for (int i = 0; i < 40000; i++)
        many += (i ? ", /f" : "/f") + std::to_string(i);
    many += ")";
    tripline::Diagnostics d;
    auto rs = tltest::compile_text("- rule: r\n  condition: " + many + "\n  output: o\n  desc: d\n  priority: INFO\n", d);
    CHECK_FALSE(rs.has_value());
    CHECK(d.has_code(Code::Capacity));
}

}
