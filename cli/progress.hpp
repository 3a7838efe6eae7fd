// Progress of a multi-phase command on stderr: a bar redrawn in place on a terminal, one plain
// line per phase in logs (stderr not a terminal), nothing with --quiet.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "loaders/phase_timing.hpp"

namespace orgraph::cli {

class Progress {
 public:
  Progress(std::vector<std::string> phases, bool quiet);
  // Starts phase `name` (one of the phases given); the previous one is finished.
  void begin(const std::string& name);
  // Finishes the current phase; returns its wall time in seconds.
  double end();
  // Wall and CPU time of each finished phase, in order.
  const std::vector<PhaseTiming>& timings() const { return timings_; }
  double total_seconds() const;

 private:
  void draw(bool done);
  std::vector<std::string> phases_;
  bool quiet_, terminal_;
  std::size_t index_ = 0;
  std::string current_;
  std::chrono::steady_clock::time_point started_, phase_started_;
  double phase_user_ = 0, phase_system_ = 0;  // the process's CPU seconds when the phase began
  std::vector<PhaseTiming> timings_;
};

}  // namespace orgraph::cli
