// benchmarks/perf/peak_rss.hpp: the peak resident memory of this process, for the benchmarks' counters
// and `neuroscore score`'s progress line. Entry point: peak_rss_mib().
#pragma once

#include <sys/resource.h>

namespace neuroscore::benchmarks {

// Peak resident set size of this process so far, in MiB (getrusage: a high-water mark over
// the whole process, so run one benchmark per process to attribute it).
inline double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

}  // namespace neuroscore::benchmarks
