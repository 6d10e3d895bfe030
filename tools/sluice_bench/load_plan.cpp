#include "load_plan.hpp"

#include <algorithm>

namespace sluice::bench {
namespace {
// Distinct error descriptions kept; the rest are lumped together so a flapping server cannot grow
// the report without bound.
constexpr std::size_t kMaxErrorKinds = 32;
}  // namespace

void LoadCounters::merge(const LoadCounters& o) {
  requests += o.requests;
  requests_ok += o.requests_ok;
  requests_rejected += o.requests_rejected;
  requests_failed += o.requests_failed;
  events_sent += o.events_sent;
  events_acked += o.events_acked;
  events_filtered += o.events_filtered;
  events_rejected += o.events_rejected;
  events_failed += o.events_failed;
  bytes_acked += o.bytes_acked;
  ack_mismatches += o.ack_mismatches;
  late_requests += o.late_requests;
  reconnects += o.reconnects;
  for (const auto& [code, n] : o.status) status[code] += n;
  for (const auto& [what, n] : o.errors) {
    if (errors.size() < kMaxErrorKinds || errors.contains(what)) {
      errors[what] += n;
    } else {
      errors["other"] += n;
    }
  }
}

void LoadCounters::count_error(const std::string& what) {
  if (errors.size() < kMaxErrorKinds || errors.contains(what)) {
    ++errors[what];
  } else {
    ++errors["other"];
  }
}

void LoadResult::merge(const LoadResult& o) {
  total.merge(o.total);
  measured.merge(o.measured);
  latency.merge(o.latency);
  scheduled_latency.merge(o.scheduled_latency);
  acked.merge(o.acked);
  measure_end = std::max(measure_end, o.measure_end);
  end = std::max(end, o.end);
  abandoned_requests += o.abandoned_requests;
}

}  // namespace sluice::bench
