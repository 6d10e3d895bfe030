#pragma once
// Samples another process (sluice) through /proc while the load runs: CPU time (utime + stime of
// /proc/PID/stat) and resident memory (VmRSS, VmHWM of /proc/PID/status), so the report can give
// CPU µs per event and peak RSS over the measured window.
//
// Thread-safety: start/stop/cpu_between from one thread; sampling runs on a thread of its own.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "load_plan.hpp"

namespace sluice::bench {

struct ProcSample {
  Clock::time_point at{};
  double cpu_seconds = 0;        // utime + stime
  std::uint64_t rss_bytes = 0;   // VmRSS
  std::uint64_t hwm_bytes = 0;   // VmHWM: the process' peak since it started
};

// Parsers of the two /proc files, apart from the file reading so they can be tested.
std::optional<double> parse_proc_stat_cpu_seconds(std::string_view stat, long ticks_per_second);
std::optional<std::uint64_t> parse_proc_status_kib(std::string_view status, std::string_view field);
std::optional<ProcSample> read_proc_sample(int pid);

// The calling process' own CPU time (getrusage), to tell when the bench itself is the bottleneck.
double self_cpu_seconds();

struct ProcessUsage {
  double cpu_seconds = 0;          // over the window
  std::uint64_t peak_rss_bytes = 0;  // highest VmRSS sampled during the run
  std::uint64_t hwm_bytes = 0;     // VmHWM at the end (includes anything before the run)
  bool exited = false;             // the process went away during the run
};

class ProcessSampler {
 public:
  ProcessSampler(int pid, Clock::duration period);
  ~ProcessSampler();
  ProcessSampler(const ProcessSampler&) = delete;
  ProcessSampler& operator=(const ProcessSampler&) = delete;

  // False when the process cannot be read at all (no such pid, no permission).
  bool ok() const;
  void stop();
  // CPU between the samples nearest to `from` and `to` (clock ticks are 10 ms, samples every
  // `period`, so this is good to a few tens of ms), peak RSS over the whole sampling.
  ProcessUsage usage(Clock::time_point from, Clock::time_point to) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::bench
