#include "mastering/parallel_tasks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace lathe;
using namespace lathe::mastering;

TEST(ParallelTasks, RunsEveryTaskExactlyOnceOnUpToJobsThreads) {
    for (const int jobs : {1, 2, 3, 8}) {
        std::vector<std::atomic<int>> runs(37);
        std::atomic<int> running{0}, mostAtOnce{0};
        const auto status = runParallelTasks(runs.size(), jobs, [&](std::size_t i) -> Status {
            const int now = ++running;
            int seen = mostAtOnce.load();
            while (now > seen && !mostAtOnce.compare_exchange_weak(seen, now)) {}
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            ++runs[i];
            --running;
            return success();
        });
        EXPECT_TRUE(status.ok());
        for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].load(), 1) << "task " << i << " jobs " << jobs;
        EXPECT_LE(mostAtOnce.load(), jobs);
    }
}

// Tasks 5 and 9 fail; whatever the timing, the error is task 5's, and no task starts after a failure
// is known beyond those already running.
TEST(ParallelTasks, ReportsTheLowestFailingTaskAndStopsStartingNewOnes) {
    for (const int jobs : {1, 2, 4}) {
        std::atomic<int> started{0};
        const auto status = runParallelTasks(100, jobs, [&](std::size_t i) -> Status {
            ++started;
            if (i == 9) return fail("nine");
            if (i == 5) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));  // fail after 9 did
                return fail("five");
            }
            return success();
        });
        ASSERT_FALSE(status.ok());
        EXPECT_EQ(status.error().message, "five") << "jobs " << jobs;
        EXPECT_LE(started.load(), 10 + jobs) << "jobs " << jobs;
    }
}

TEST(ParallelTasks, AnExceptionIsTheTasksFailure) {
    const auto status = runParallelTasks(3, 2, [](std::size_t i) -> Status {
        if (i == 1) throw std::runtime_error("boom");
        return success();
    });
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().message, "boom");
    EXPECT_TRUE(runParallelTasks(0, 4, [](std::size_t) -> Status { return fail("never"); }).ok());
}
