#include "engine/parallel.hpp"

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#if !defined(ORGRAPH_SERIAL) && !defined(ORGRAPH_STD_THREADS)
#include <tbb/global_control.h>
#endif

namespace orgraph::par {
namespace {
std::mutex g_mutex;
int g_threads = 0;
#if !defined(ORGRAPH_SERIAL) && !defined(ORGRAPH_STD_THREADS)
std::unique_ptr<tbb::global_control> g_control;
#endif
}  // namespace

int hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void set_threads(int threads) {
  std::lock_guard lock(g_mutex);
  g_threads = threads <= 0 ? hardware_threads() : threads;
#if !defined(ORGRAPH_SERIAL) && !defined(ORGRAPH_STD_THREADS)
  g_control.reset();
  g_control = std::make_unique<tbb::global_control>(
      tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(g_threads));
#endif
}

int threads() {
#ifdef ORGRAPH_SERIAL
  return 1;
#else
  std::lock_guard lock(g_mutex);
  return g_threads == 0 ? hardware_threads() : g_threads;
#endif
}

#if defined(ORGRAPH_STD_THREADS) && !defined(ORGRAPH_SERIAL)
namespace detail {
namespace {
thread_local bool t_in_parallel = false;

// Sets t_in_parallel for the lifetime of the guard and restores the previous value.
struct RegionGuard {
  bool previous = t_in_parallel;
  RegionGuard() { t_in_parallel = true; }
  ~RegionGuard() { t_in_parallel = previous; }
  RegionGuard(const RegionGuard&) = delete;
  RegionGuard& operator=(const RegionGuard&) = delete;
};
}  // namespace

bool in_parallel_region() { return t_in_parallel; }

void run_tasks(std::size_t tasks, int workers, const std::function<void(std::size_t)>& task) {
  if (tasks == 0) return;
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto work = [&] {
    RegionGuard guard;
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= tasks) return;
      try {
        task(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next.store(tasks, std::memory_order_relaxed);  // hand out nothing more
      }
    }
  };
  const std::size_t helpers =
      std::min(tasks, static_cast<std::size_t>(workers < 1 ? 1 : workers)) - 1;
  std::vector<std::thread> pool;
  pool.reserve(helpers);
  try {
    for (std::size_t t = 0; t < helpers; ++t) pool.emplace_back(work);
  } catch (...) {
    // Could not start a thread (resource limits): the threads already running and the caller
    // still finish every task.
  }
  work();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}
}  // namespace detail
#endif

void touch_pages(void* data, std::size_t bytes) {
  constexpr std::size_t kPage = 4096;
  if (bytes == 0) return;
  auto* const first = static_cast<char*>(data);
  const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(first);
  const std::size_t pages = ((start + bytes - 1) / kPage) - (start / kPage) + 1;
  for_range(0, pages, 256, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t k = lo; k < hi; ++k) {
      // The first byte of the k-th page the range touches (the range's own first byte for k = 0).
      const std::size_t at = k == 0 ? 0 : (start / kPage + k) * kPage - start;
      *static_cast<volatile char*>(first + at) = 0;
    }
  });
}

}  // namespace orgraph::par
