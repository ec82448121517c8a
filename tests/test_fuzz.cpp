// Fuzzing in the test run: each libFuzzer target (tests/fuzz/) runs for a
// bounded time through scripts/fuzz. A crash, hang or sanitizer report fails
// the test and leaves the input in build/fuzz/findings/. TL_FUZZ_SECONDS sets
// the time per target (default 15).
#include <unistd.h>

#include <cstdlib>

#include "tests/support.h"

TEST_SUITE("fuzz") {

TEST_CASE("the rule loader, the condition compiler and the event decoder survive fuzzing")
{
    const std::string script = tltest::repo_dir() + "/scripts/fuzz";
    for (const char* t : {"fuzz_rules", "fuzz_condition", "fuzz_event"})
        if (access((tltest::build_dir() + "/fuzz/" + t).c_str(), X_OK) != 0)
            TL_SKIP(std::string("build/fuzz/") + t + " is not built: run 'make fuzz' (make test does)");
    const char* env = std::getenv("TL_FUZZ_SECONDS");
    const std::string seconds = env && *env ? env : "15";
    tltest::Captured c = tltest::capture({script, seconds});
    MESSAGE(c.out);
    INFO(c.err);
    CHECK(c.status == 0);
    CHECK(c.out.find("fuzz_rules: ok") != std::string::npos);
    CHECK(c.out.find("fuzz_condition: ok") != std::string::npos);
    CHECK(c.out.find("fuzz_event: ok") != std::string::npos);
}

}
