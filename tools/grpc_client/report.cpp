#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::grpc_client {
namespace {

double percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

std::string format_report(const LoadOptions& options, LoadResult& result) {
  std::sort(result.latencies_ms.begin(), result.latencies_ms.end());
  const double seconds = std::max(result.elapsed.count(), 1e-9);
  const auto acked = static_cast<double>(result.acks_ok);
  std::string out = fmt::format(
      "target {}, {} x {}{}, batches of {} events of ~{} B\n", options.target, options.streams,
      options.mode == Mode::stream ? "streams" : "unary callers",
      options.mode == Mode::stream ? fmt::format(" (window {})", options.window) : std::string(), options.batch,
      options.event_size);
  out += fmt::format("sent {} events in {} batches ({:.1f} MB on the wire) in {:.3f} s\n", result.events_sent,
                     result.batches_sent, static_cast<double>(result.wire_bytes) / 1e6, seconds);
  out += fmt::format("acks/s {:.1f}   events/s {:.0f}   MB/s {:.1f}\n", acked / seconds,
                     static_cast<double>(result.events_acked) / seconds, static_cast<double>(result.wire_bytes) / 1e6 / seconds);
  out += fmt::format("ack latency ms: p50 {:.2f}  p90 {:.2f}  p99 {:.2f}  max {:.2f}\n",
                     percentile(result.latencies_ms, 0.50), percentile(result.latencies_ms, 0.90),
                     percentile(result.latencies_ms, 0.99),
                     result.latencies_ms.empty() ? 0.0 : result.latencies_ms.back());
  out += fmt::format("acks: ok {}, invalid {}, unavailable {}, overloaded {}; failed calls/streams {}\n",
                     result.acks_ok, result.acks_invalid, result.acks_unavailable, result.acks_overloaded,
                     result.rpc_errors);
  if (!result.first_error.empty()) out += fmt::format("first error: {}\n", result.first_error);
  return out;
}

}  // namespace sluice::grpc_client
