// Pass 5b: kernel prefilters.
// Consumes a formula in negation normal form; produces an equivalent formula
// in which each predicate the kernel cannot decide (a glob, a regular
// expression, a pmatch with wildcards, a string too long for a map key, a
// user or group name) is conjoined with kernel-decidable predicates it
// implies:
//
//     P  ->  G and P        not P  ->  not G or not P       (P implies G)
//
// Both rewrites are exact, so the reference evaluator, the DNF and the
// kernel's soundness are untouched; the kernel only gets a sharper may-set.
// A name's G is "not id in (the known ids whose name fails P)": it holds for
// every id the account snapshot does not know, so a user added later is
// still confirmed in userspace; only renaming a known id needs a reload.
// Tested by tests/test_terms.cpp and, end to end, tests/test_conformance.cpp.
#include <cctype>
#include <climits>
#include <optional>

#include "rulegen/passes.h"

namespace tripline {

namespace {

// the longest string the kernel looks up whole (tables.cpp view_of)
constexpr size_t kKeyMax = TL_STR_KEY_MAX - 3;

bool is_glob_meta(char c) { return c == '*' || c == '?' || c == '[' || c == '\\'; }

// a glob's literal head and tail; `fold`: iglob, so letters are not literal
std::pair<std::string, std::string> glob_literals(const std::string& g, bool fold)
{
    auto literal = [&](char c) { return !is_glob_meta(c) && !(fold && std::isalpha(static_cast<unsigned char>(c))); };
    size_t head = 0;
    while (head < g.size() && literal(g[head]))
        head++;
    if (head == g.size())
        return {g, ""};  // no wildcard at all
    size_t tail = g.size();
    while (tail > head && literal(g[tail - 1]) && g[tail - 1] != ']')
        tail--;
    // "\x" escapes x: a tail right after a backslash starts one char later
    if (tail > 0 && g[tail - 1] == '\\' && tail < g.size())
        tail++;
    return {g.substr(0, head), tail < g.size() ? g.substr(tail) : ""};
}

// the literal text every full match of a POSIX regular expression starts with
std::string regex_head(const std::string& re)
{
    if (re.find('|') != std::string::npos)
        return "";  // an alternation anywhere can change the start
    static const std::string meta = ".[]()*+?{}|^$\\";
    size_t i = re.size() && re[0] == '^' ? 1 : 0;
    std::string head;
    for (; i < re.size() && meta.find(re[i]) == std::string::npos; i++)
        head += re[i];
    // a quantifier that allows zero repeats takes back the last character
    if (i < re.size() && (re[i] == '*' || re[i] == '?' || re[i] == '{') && !head.empty())
        head.pop_back();
    return head;
}

bool has_glob_component(const std::string& path)
{
    return path.find_first_of("?*[") != std::string::npos;
}

// the components of a pmatch pattern before its first wildcard component
std::string literal_components(const std::string& path)
{
    std::string out;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        std::string comp = path.substr(i, j == std::string::npos ? std::string::npos : j - i);
        if (has_glob_component(comp))
            break;
        if (!comp.empty())
            out += "/" + comp;
        if (j == std::string::npos)
            break;
        i = j + 1;
    }
    return out;  // pmatch compares components: "etc/x" means "/etc/x"
}

// the id field whose value a name field names
std::optional<FieldId> id_field_of(FieldId name)
{
    switch (name) {
    case FieldId::UserName: return FieldId::UserUid;
    case FieldId::UserLoginname: return FieldId::UserLoginuid;
    case FieldId::GroupName: return FieldId::GroupGid;
    default: return std::nullopt;
    }
}

// past this many known ids a name is left to userspace: the ids would crowd the number trie
constexpr size_t kMaxAccountIds = 4096;

class Prefilter {
public:
    Prefilter(PredTable& preds, const Accounts& accounts) : preds_(preds), accounts_(accounts) {}

    // a formula equal to predicate p, with prefilters
    Formula exact(int p) { return rewrite(p); }

    std::map<int, int> guarded;  // prefilter predicate -> a predicate it guards

private:
    Formula rewrite(int p)
    {
        const Pred pred = preds_.preds[p];
        if (!pred.kernel_plain() || value_type(pred) != FieldType::String)
            return Formula::lit(p, false);
        if (auto id = id_field_of(pred.field.id))
            return by_name(p, pred, *id);
        switch (pred.op) {
        case Op::Glob:
        case Op::Iglob: {
            auto [head, tail] = glob_literals(std::get<std::string>(pred.values.at(0)), pred.op == Op::Iglob);
            return guard(p, {starts(pred, head), ends(pred, tail)});
        }
        case Op::Regex: return guard(p, {starts(pred, regex_head(std::get<std::string>(pred.values.at(0))))});
        case Op::Pmatch: return split(pred, p, has_glob_component, [&](const Pred& wild) -> Formula {
                std::vector<Value> prefixes;
                for (const auto& v : wild.values) {
                    std::string lit = literal_components(std::get<std::string>(v));
                    if (lit.empty() || lit.size() > kKeyMax)
                        return Formula::yes();
                    prefixes.push_back(lit);
                }
                return lit(with(wild, Op::Pmatch, prefixes));
            });
        case Op::Eq:
        case Op::In:
        case Op::Intersects:
        case Op::Startswith:
        case Op::Endswith: {
            auto too_long = [](const std::string& s) { return s.size() > kKeyMax; };
            return split(pred, p, too_long, [&](const Pred& long_values) {
                std::vector<Formula> any;
                for (const auto& v : long_values.values) {
                    const auto& s = std::get<std::string>(v);
                    any.push_back(pred.op == Op::Endswith ? ends(pred, s.substr(s.size() - kKeyMax))
                                                          : starts(pred, s.substr(0, kKeyMax)));
                }
                return make_or(std::move(any));
            });
        }
        default:
            return Formula::lit(p, false);
        }
    }

    // G = not id in (known ids whose name fails p): ids the snapshot lacks stay possible
    Formula by_name(int p, const Pred& pred, FieldId id_field)
    {
        const auto& names = id_field == FieldId::GroupGid ? accounts_.groups : accounts_.users;
        if (names.size() > kMaxAccountIds)
            return Formula::lit(p, false);
        std::vector<Value> ruled_out;
        for (const auto& [id, name] : names) {
            // user.loginuid is signed in the kernel: such an id is left possible
            if (id_field == FieldId::UserLoginuid && id > static_cast<uint32_t>(INT32_MAX))
                continue;
            const std::optional<Value> named{std::in_place, std::in_place_type<std::string>, name};
            if (!eval_pred(pred, named))
                ruled_out.emplace_back(std::in_place_type<int64_t>, static_cast<int64_t>(id));
        }
        if (ruled_out.empty())
            return Formula::lit(p, false);
        Pred in;
        in.field = FieldRef{id_field, ""};
        in.op = Op::In;
        in.values = std::move(ruled_out);
        in.loc = pred.loc;
        const Formula g = Formula::lit(preds_.intern(std::move(in)), true);
        note(g, p);
        return make_and({g, Formula::lit(p, false)});
    }

    // p = (p on the values `odd` rejects) or (G and p on the others), where
    // G = prefilter(p on the others); p alone when every value is plain
    template <typename Odd, typename Guard>
    Formula split(const Pred& pred, int p, Odd odd, Guard prefilter)
    {
        std::vector<Value> plain, others;
        for (const auto& v : pred.values)
            (odd(std::get<std::string>(v)) ? others : plain).push_back(v);
        if (others.empty())
            return Formula::lit(p, false);
        const bool set_op = pred.op == Op::In || pred.op == Op::Intersects || pred.op == Op::Pmatch;
        if (plain.empty() || !set_op) {
            const Formula g = prefilter(pred);
            note(g, p);
            return make_and({g, Formula::lit(p, false)});
        }
        Pred rest = with(pred, pred.op, others);
        const int rest_id = preds_.intern(rest);
        const Formula g = prefilter(rest);
        note(g, rest_id);
        return make_or({lit(with(pred, pred.op, plain)), make_and({g, Formula::lit(rest_id, false)})});
    }

    Formula guard(int p, std::vector<Formula> gs)
    {
        for (const auto& g : gs)
            note(g, p);
        gs.push_back(Formula::lit(p, false));
        return make_and(std::move(gs));
    }

    Formula starts(const Pred& pred, const std::string& head)
    {
        if (head.empty())
            return Formula::yes();
        return lit(with(pred, Op::Startswith, {head.substr(0, kKeyMax)}));
    }

    Formula ends(const Pred& pred, const std::string& tail)
    {
        if (tail.empty())
            return Formula::yes();
        return lit(with(pred, Op::Endswith, {tail.size() > kKeyMax ? tail.substr(tail.size() - kKeyMax) : tail}));
    }

    static Pred with(const Pred& pred, Op op, std::vector<Value> values)
    {
        Pred q = pred;
        q.op = op;
        q.values = std::move(values);
        q.regex.reset();
        return q;
    }

    Formula lit(Pred q) { return Formula::lit(preds_.intern(std::move(q)), false); }

    void note(const Formula& g, int p)
    {
        std::vector<int> ids;
        collect_preds(g, ids);
        for (int id : ids)
            guarded.emplace(id, p);
    }

    PredTable& preds_;
    const Accounts& accounts_;
};

}  // namespace

Formula add_prefilters(const Formula& f, PredTable& preds, const Accounts& accounts, std::map<int, int>* guarded)
{
    Prefilter pf(preds, accounts);
    Formula out = map_literals(f, [&](int p) { return pf.exact(p); });
    if (guarded)
        guarded->insert(pf.guarded.begin(), pf.guarded.end());
    return out;
}

}  // namespace tripline
