// Pass 5a: exact rewrites onto fields the kernel has.
// Consumes a formula in negation normal form; produces an equivalent one in
// which a predicate on an enumerated event argument (evt.arg.request of
// ptrace, evt.arg.domain of socket, evt.arg.option of prctl) becomes, for
// each event type that has the argument,
//
//     evt.type = T and evt.sysarg[0] in (the raw values whose name satisfies it)
//
// The argument's name is a function of that one raw number (evt_args.h
// EnumParam), so the rewrite is exact, and both halves are kernel views.
// Tested by tests/test_conformance.cpp (reference and kernel).
#include <charconv>
#include <set>

#include "rulegen/abi_names.h"
#include "rulegen/evt_args.h"
#include "rulegen/event.h"
#include "rulegen/passes.h"

namespace tripline {

namespace {

bool all_digits(const std::string& s)
{
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// a decimal that an unnamed value renders as, exactly ("016" is not one)
std::optional<uint64_t> canonical_decimal(const std::string& s)
{
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || std::to_string(v) != s)
        return std::nullopt;
    return v;
}

// evt.arg.NAME of an event of type `type` whose raw argument `raw` is `v`
std::optional<std::string> render_arg(uint32_t type, int raw, uint64_t v, const std::string& name)
{
    Event e;
    e.rec.class_id = static_cast<uint8_t>(evt_type_class(type));
    e.rec.evt_type = static_cast<uint8_t>(type);
    if (e.rec.class_id == TL_CLASS_SYSCALL)
        e.rec.payload.sys.args[raw] = v;
    else if (e.rec.class_id == TL_CLASS_NET)
        e.rec.payload.net.args[raw] = v;
    else
        return std::nullopt;
    return evt_arg(e, name, Context{});
}

class Rewriter {
public:
    explicit Rewriter(PredTable& preds) : preds_(preds) {}

    Formula exact(int p)
    {
        auto rewritten = rewrite(preds_.preds[p]);
        return rewritten ? *rewritten : Formula::lit(p, false);
    }

private:
    // a formula equal to `p`, or nullopt to keep it
    std::optional<Formula> rewrite(const Pred& p)
    {
        if (p.field.id != FieldId::EvtArg || !p.kernel_plain() || all_digits(p.field.arg))
            return std::nullopt;
        auto params = enum_params(p.field.arg);
        if (!params || params->empty())
            return std::nullopt;
        for (const auto& ep : *params)
            if (ep.raw != 0)
                return std::nullopt;  // only the first argument has a kernel view
        std::vector<Formula> has_arg;  // the event types with the argument
        for (const auto& ep : *params)
            has_arg.push_back(type_is(ep.evt_type, p.loc));
        if (p.op == Op::Exists)
            return make_or(std::move(has_arg));
        if (p.op == Op::Ne) {  // Falco: false where the argument is missing
            Pred eq = p;
            eq.op = Op::Eq;
            auto is = rewrite(eq);
            if (!is)
                return std::nullopt;
            return make_and({make_or(std::move(has_arg)), negate(*is)});
        }
        switch (p.op) {
        case Op::Eq: case Op::In: case Op::Intersects: case Op::Contains: case Op::Icontains:
        case Op::Bcontains: case Op::Startswith: case Op::Bstartswith: case Op::Endswith:
            break;
        default:
            return std::nullopt;  // a glob or regex could match infinitely many numbers
        }
        std::vector<Formula> any;
        for (const auto& ep : *params) {
            auto values = satisfying(p, ep);
            if (!values)
                return std::nullopt;
            if (values->empty())
                continue;
            Pred in;
            in.field = FieldRef{FieldId::EvtSysarg, "0"};
            in.op = Op::In;
            in.values = std::move(*values);
            in.loc = p.loc;
            any.push_back(make_and({type_is(ep.evt_type, p.loc), Formula::lit(preds_.intern(std::move(in)), false)}));
        }
        return make_or(std::move(any));
    }

    // the raw values of `ep` whose rendering satisfies `p`, as signed numbers
    // as evt.sysarg reads them; nullopt when that set is not finite and known
    static std::optional<std::vector<Value>> satisfying(const Pred& p, const EnumParam& ep)
    {
        std::set<int64_t> found;
        auto add = [&](uint64_t v) { found.insert(static_cast<int64_t>(v)); };
        for (uint64_t v : ep.values) {
            auto r = render_arg(ep.evt_type, ep.raw, v, p.field.arg);
            if (!r)
                return std::nullopt;
            if (eval_pred(p, Value{*r}))
                add(v);
        }
        // every other value renders as its decimal number
        const uint64_t probe = 0x7ffffff012345678ULL;
        if (std::find(ep.values.begin(), ep.values.end(), probe) != ep.values.end() ||
            render_arg(ep.evt_type, ep.raw, probe, p.field.arg) != std::to_string(probe))
            return std::nullopt;
        for (const auto& c : p.values) {
            const auto& s = std::get<std::string>(c);
            if (p.op == Op::Eq || p.op == Op::In || p.op == Op::Intersects) {
                auto v = canonical_decimal(s);
                if (v && std::find(ep.values.begin(), ep.values.end(), *v) == ep.values.end())
                    add(*v);
            } else if (s.find_first_not_of("0123456789") == std::string::npos) {
                return std::nullopt;  // "contains 1": infinitely many numbers
            }
        }
        return std::vector<Value>(found.begin(), found.end());
    }

    Formula type_is(uint32_t type, const Loc& loc)
    {
        Pred t;
        t.field = FieldRef{FieldId::EvtType, ""};
        t.op = Op::Eq;
        t.values = {Value{std::string(evt_type_name(type))}};
        t.loc = loc;
        return Formula::lit(preds_.intern(std::move(t)), false);
    }

    PredTable& preds_;
};

}  // namespace

Formula rewrite_for_kernel(const Formula& f, PredTable& preds)
{
    Rewriter r(preds);
    return map_literals(f, [&](int p) { return r.exact(p); });
}

}  // namespace tripline
