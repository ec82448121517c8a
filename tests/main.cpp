// The test runner: doctest, plus a listener that counts passed, failed and
// skipped test cases and prints the one line the project's CI reads, last.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "tests/support.h"

namespace {

struct Counts {
    int passed = 0, failed = 0, skipped = 0;
} g_counts;

class CountingListener : public doctest::IReporter {
public:
    explicit CountingListener(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override { finish(); }
    void test_case_start(const doctest::TestCaseData&) override
    {
        finish();
        open_ = true;
        failed_ = false;
    }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats& st) override
    {
        failed_ = failed_ || !st.testCaseSuccess;
        skipped_ = skipped_ || tltest::take_skip();
    }
    void test_case_exception(const doctest::TestCaseException&) override { failed_ = true; }
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}

private:
    void finish()
    {
        if (!open_)
            return;
        if (failed_)
            g_counts.failed++;
        else if (skipped_)
            g_counts.skipped++;
        else
            g_counts.passed++;
        open_ = failed_ = skipped_ = false;
    }
    bool open_ = false, failed_ = false, skipped_ = false;
};

REGISTER_LISTENER("tripline-counts", 1, CountingListener);

}  // namespace

int main(int argc, char** argv)
{
    doctest::Context ctx;
    ctx.applyCommandLine(argc, argv);
    int res = ctx.run();
    if (ctx.shouldExit())
        return res;
    std::fflush(stdout);
    std::printf("%d passed, %d failed, %d skipped\n", g_counts.passed, g_counts.failed, g_counts.skipped);
    return res != 0 || g_counts.failed ? 1 : 0;
}
