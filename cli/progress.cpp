#include "cli/progress.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <tuple>
#include <utility>

namespace orgraph::cli {
namespace {

// CPU seconds of the whole process so far (every thread), user and system.
std::pair<double, double> process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return {seconds(u.ru_utime), seconds(u.ru_stime)};
}

}  // namespace

Progress::Progress(std::vector<std::string> phases, bool quiet)
    : phases_(std::move(phases)),
      quiet_(quiet),
      terminal_(::isatty(STDERR_FILENO) != 0),
      started_(std::chrono::steady_clock::now()) {}

void Progress::begin(const std::string& name) {
  if (!current_.empty()) end();
  current_ = name;
  ++index_;
  std::tie(phase_user_, phase_system_) = process_cpu_seconds();
  phase_started_ = std::chrono::steady_clock::now();
  draw(false);
}

double Progress::end() {
  if (current_.empty()) return 0;
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - phase_started_).count();
  const auto [user, system] = process_cpu_seconds();
  timings_.push_back({current_, s, user - phase_user_, system - phase_system_});
  draw(true);
  current_.clear();
  return s;
}

double Progress::total_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void Progress::draw(bool done) {
  if (quiet_) return;
  const std::size_t n = phases_.size();
  if (terminal_) {
    constexpr int kWidth = 30;
    const std::size_t filled = n == 0 ? 0 : (done ? index_ : index_ - 1) * kWidth / n;
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r\033[K[%s] %zu/%zu %s%s", bar.c_str(), index_, n, current_.c_str(),
                 done ? " done" : "...");
    if (done && index_ == n) std::fputc('\n', stderr);
  } else if (done) {
    const PhaseTiming& t = timings_.back();
    std::fprintf(stderr, "orgraph: [%zu/%zu] %s done in %.3f s (CPU %.3f s user, %.3f s system)\n",
                 index_, n, current_.c_str(), t.seconds, t.user_seconds, t.system_seconds);
  }
  std::fflush(stderr);
}

}  // namespace orgraph::cli
