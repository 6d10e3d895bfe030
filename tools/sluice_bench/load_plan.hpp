#pragma once
// What every load mode (HTTP today; gRPC and NATS later) is asked to do, and what it reports back.
// A mode is one file that turns a LoadPlan into a LoadResult; everything else in the tool (pacing,
// verification, process sampling, the report) is shared.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "id_set.hpp"
#include "latency.hpp"

namespace sluice::bench {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

struct LoadPlan {
  std::uint32_t connections = 8;
  std::uint64_t batch = 100;              // events per request where the protocol carries many
  Seconds warmup{0};                      // load that is not measured (but is verified)
  std::optional<Seconds> duration;        // measured load after the warm-up
  std::optional<std::uint64_t> requests;  // total requests to send, warm-up included
  double rate = 0;                        // events per second over all connections; 0 = unpaced
  Seconds max_run_time{600};              // hard bound when only `requests` is given
  Seconds drain_timeout{30};              // how long in-flight requests may take after the end
  Seconds request_timeout{60};            // one request's send-to-answer limit
  Seconds max_backoff{1};                 // cap on Retry-After
  unsigned threads = 1;                   // threads running the mode's event loop
};

// Counts of one protocol's exchanges. `status` is the protocol's own answer code (HTTP status,
// gRPC status), `errors` counts transport failures by a short description.
struct LoadCounters {
  std::uint64_t requests = 0;            // exchanges finished, with an answer or a failure
  std::uint64_t requests_ok = 0;         // acknowledged
  std::uint64_t requests_rejected = 0;   // pushed back (429/503, RESOURCE_EXHAUSTED...)
  std::uint64_t requests_failed = 0;     // any other answer, or a transport failure
  std::uint64_t events_sent = 0;
  std::uint64_t events_acked = 0;
  std::uint64_t events_filtered = 0;     // acknowledged but reported as matching no route
  std::uint64_t events_rejected = 0;
  std::uint64_t events_failed = 0;
  std::uint64_t bytes_acked = 0;         // request payload bytes of acknowledged requests
  std::uint64_t ack_mismatches = 0;      // acks whose accepted+filtered differs from what was sent
  std::uint64_t late_requests = 0;       // paced requests sent over 1 ms after their slot
  std::uint64_t reconnects = 0;
  std::map<int, std::uint64_t> status;
  std::map<std::string, std::uint64_t> errors;

  void merge(const LoadCounters& other);
  void count_error(const std::string& what);
};

struct LoadResult {
  LoadCounters total;                   // the whole run, warm-up included
  LoadCounters measured;                // requests sent after the warm-up
  LatencyHistogram latency;             // send -> full answer, measured acknowledged requests
  LatencyHistogram scheduled_latency;   // intended send time -> full answer (paced runs only)
  IdSet acked;                          // every acknowledged event, for the verifier
  Clock::time_point start{};
  Clock::time_point measure_start{};
  Clock::time_point measure_end{};      // last answer of a measured request
  Clock::time_point end{};
  std::uint64_t abandoned_requests = 0; // still unanswered at the drain timeout
  std::string fatal_error;              // the mode could not run at all (bad URL, resolve failure)

  Seconds measured_seconds() const {
    return measure_end > measure_start ? Seconds(measure_end - measure_start) : Seconds(0);
  }
  void merge(const LoadResult& other);  // counters, histograms, ids, and the window's end
};

// Progress counters readable from another thread while the load runs.
struct LiveCounters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> events_acked{0};
  std::atomic<std::uint64_t> events_rejected{0};
  std::atomic<std::uint64_t> requests_failed{0};
};

}  // namespace sluice::bench
