#pragma once
// Runs independent tasks on a few threads, for work that is whole-file sized (one track each).
// Tasks start in index order on up to `jobs` threads (the calling thread is one of them). After a
// task fails no further task starts; the ones running finish. The result is the failure of the
// LOWEST-numbered failed task, which does not depend on `jobs` or on timing: tasks start in order
// and only a failure stops them, so every task before the first failure in index order has run.
// An exception escaping a task (e.g. std::bad_alloc) counts as its failure.

#include <cstddef>
#include <functional>

#include "lathe/result.h"

namespace lathe::mastering {

Status runParallelTasks(std::size_t count, int jobs, const std::function<Status(std::size_t)>& task);

}  // namespace lathe::mastering
