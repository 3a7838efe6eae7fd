#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace orgraph::cli {

Progress::Progress(std::vector<std::string> phases, bool quiet)
    : phases_(std::move(phases)),
      quiet_(quiet),
      terminal_(::isatty(STDERR_FILENO) != 0),
      started_(std::chrono::steady_clock::now()) {}

void Progress::begin(const std::string& name) {
  if (!current_.empty()) end();
  current_ = name;
  ++index_;
  phase_started_ = std::chrono::steady_clock::now();
  draw(false);
}

double Progress::end() {
  if (current_.empty()) return 0;
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - phase_started_).count();
  timings_.emplace_back(current_, s);
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
    std::fprintf(stderr, "orgraph: [%zu/%zu] %s done in %.3f s\n", index_, n, current_.c_str(),
                 timings_.back().second);
  }
  std::fflush(stderr);
}

}  // namespace orgraph::cli
