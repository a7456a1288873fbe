// runParallelTasks(): an atomic ticket per task, a few std::threads (see parallel_tasks.h).
#include "mastering/parallel_tasks.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace lathe::mastering {

Status runParallelTasks(std::size_t count, int jobs, const std::function<Status(std::size_t)>& task) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::optional<std::size_t> failedIndex;
    Error failure;

    auto worker = [&] {
        while (!stop.load()) {
            const std::size_t index = next.fetch_add(1);
            if (index >= count) return;
            Status status = success();
            try {
                status = task(index);
            } catch (const std::bad_alloc&) {
                status = fail("out of memory (try fewer --jobs)");
            } catch (const std::exception& e) {
                status = fail(e.what());
            }
            if (!status) {
                stop.store(true);
                std::lock_guard lock(mutex);
                if (!failedIndex || index < *failedIndex) failedIndex = index, failure = status.error();
            }
        }
    };
    const std::size_t threads = std::min<std::size_t>(count, std::size_t(std::max(jobs, 1)));
    std::vector<std::thread> helpers;
    for (std::size_t i = 1; i < threads; ++i) {
        try {
            helpers.emplace_back(worker);
        } catch (const std::system_error&) {
            break;  // no more threads to be had: the others share the work
        }
    }
    worker();
    for (auto& thread : helpers) thread.join();
    if (failedIndex) return failure;
    return success();
}

}  // namespace lathe::mastering
