// The time a command spent in each of its phases (summary.json's timings_seconds and
// cpu_seconds; the progress lines on stderr).
#pragma once

#include <string>

namespace orgraph {

// One phase of a command: its wall time and the CPU time the whole process spent in it (all
// threads), user and system apart. CPU over wall tells how many cores the phase kept busy;
// system time is mostly the kernel giving the process fresh memory or page cache.
struct PhaseTiming {
  std::string phase;
  double seconds = 0;
  double user_seconds = 0;
  double system_seconds = 0;
};

}  // namespace orgraph
