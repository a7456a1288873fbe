#pragma once
// Counts global operator new calls made by the current thread, so a test can prove that a
// processing call does not allocate:  AllocationCounter counter; stage.process(b); EXPECT_EQ(counter.count(), 0);

#include <cstddef>

namespace lathe::test {

std::size_t threadAllocationCount() noexcept;

class AllocationCounter {
public:
    AllocationCounter() noexcept : start_(threadAllocationCount()) {}
    [[nodiscard]] std::size_t count() const noexcept { return threadAllocationCount() - start_; }

private:
    std::size_t start_;
};

}  // namespace lathe::test
