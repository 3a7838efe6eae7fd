#include "engine/parallel.hpp"

#include <memory>
#include <mutex>
#include <thread>

#ifndef ORGRAPH_SERIAL
#include <tbb/global_control.h>
#endif

namespace orgraph::par {
namespace {
std::mutex g_mutex;
int g_threads = 0;
#ifndef ORGRAPH_SERIAL
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
#ifndef ORGRAPH_SERIAL
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

}  // namespace orgraph::par
