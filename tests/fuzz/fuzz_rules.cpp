// libFuzzer target: a whole rule file through the loader and the compiler.
// Any input must end in a ruleset or in diagnostics, never in a crash, a
// hang or a sanitizer report. Run by scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rulegen/ruleset.h"

using namespace tripline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    SourceManager sm;
    Diagnostics diags;
    Items items = load_items_text("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size), sm, diags);
    auto rs = compile_items(items, diags, {}, Accounts{});
    if (rs)
        (void)explain(*rs);
    (void)diags.format(sm);  // every location must point into the source
    return 0;
}
