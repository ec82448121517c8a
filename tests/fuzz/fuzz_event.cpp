// libFuzzer target: ring-buffer records. decode_event must reject a
// malformed record with a reason; for any record it accepts, every field,
// the event's arguments and an output naming every field must render.
// TL_FUZZ_SEEDS=DIR writes well-formed records of every class there first,
// so mutation starts from records the decoder accepts. Run by scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "rulegen/evt_args.h"
#include "rulegen/ruleset.h"
#include "tests/events.h"

using namespace tripline;

namespace {

Context fuzz_context()
{
    Context ctx;
    ctx.hostname = "h";
    ctx.user_name = [](uint32_t uid) { return uid == 0 ? std::string("root") : std::string(); };
    ctx.group_name = [](uint32_t) { return std::string(); };
    return ctx;
}

void write_seeds(const std::string& dir)
{
    const std::pair<uint32_t, uint32_t> types[] = {
        {TL_CLASS_EXEC, TL_EVT_EXECVE}, {TL_CLASS_OPEN, TL_EVT_OPENAT}, {TL_CLASS_NET, TL_EVT_CONNECT},
        {TL_CLASS_SETID, TL_EVT_SETUID}, {TL_CLASS_SYSCALL, TL_EVT_PTRACE}, {TL_CLASS_SYSCALL, TL_EVT_SYMLINKAT}};
    int n = 0;
    for (auto [cls, type] : types) {
        Event e = tltest::make_event(cls, type);
        e.rec.flags |= TL_EF_PROC_INFO;
        e.rec.proc.n_anc = 2;
        e.str[TL_STR_CWD] = "/root";
        e.str[TL_STR_ENV] = std::string("HOME=/root\0PATH=/bin", 20);
        e.str[TL_STR_PARGS] = std::string("-bash\0-l", 8);
        e.str[TL_STR_ARG0] = "/etc/shadow";
        const auto rec = encode_event(e);
        std::ofstream(dir + "/seed" + std::to_string(n++), std::ios::binary)
            .write(reinterpret_cast<const char*>(rec.data()), static_cast<std::streamsize>(rec.size()));
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    if (const char* dir = std::getenv("TL_FUZZ_SEEDS"))
        write_seeds(dir);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string why;
    auto e = decode_event(data, size, &why);
    if (!e) {
        if (why.empty())
            std::abort();  // a rejection must say why
        return 0;
    }
    static const Context ctx = fuzz_context();
    std::string all;
    for (const auto& f : all_fields()) {
        for (const char* arg : {"", "0", "1", "2", "9", "HOME", "flags", "name", "fd", "request", "res"}) {
            std::string no;
            auto ref = resolve_field(f.name, arg, &no);
            if (!ref)
                continue;
            (void)field_value(*e, *ref, ctx);
            (void)field_values(*e, *ref, ctx);
            all += " %" + ref->text();
        }
    }
    (void)evt_args(*e, ctx);
    SourceManager sm;
    Diagnostics diags;
    if (auto out = parse_output(Text::at_loc(all, Loc{}), diags))
        (void)render(*out, *e, ctx);
    return 0;
}
