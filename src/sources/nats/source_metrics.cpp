#include "sources/nats/source_metrics.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace sluice {
namespace {

// Details come from clients (decoder reasons quote their input): keep log lines bounded.
constexpr std::size_t kMaxDetail = 300;

}  // namespace

NatsSourceMetrics::NatsSourceMetrics(ComponentMetrics& core_metrics)
    : core(core_metrics),
      invalid(core.error("invalid")),
      malformed_header(core.error("malformed_header")),
      too_large(core.error("too_large")),
      unavailable(core.error("unavailable")),
      overloaded(core.error("overloaded")),
      shutting_down(core.error("shutting_down")),
      over_budget(core.error("over_budget")),
      slow_consumer(core.error("slow_consumer")),
      fetch_failed(core.error("fetch_failed")),
      ack_failed(core.error("ack_failed")),
      async_error(core.error("async_error")),
      internal(core.error("internal")) {}

prometheus::Counter& NatsSourceMetrics::for_status(BatchOutcome::Status status) noexcept {
  switch (status) {
    case BatchOutcome::Status::invalid:
      return invalid;
    case BatchOutcome::Status::overloaded:
      return overloaded;
    case BatchOutcome::Status::shutting_down:
      return shutting_down;
    default:
      return unavailable;
  }
}

void FailureDigest::note(std::string_view kind, std::string_view detail, std::uint64_t count) {
  detail = detail.substr(0, kMaxDetail);
  std::lock_guard lock(mutex_);
  auto entry = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.kind == kind; });
  if (entry == entries_.end()) entry = entries_.insert(entries_.end(), Entry{std::string(kind), 0, {}});
  entry->count += count;
  entry->last_detail.assign(detail);
}

void FailureDigest::flush(std::string_view source_name, std::chrono::steady_clock::duration interval) {
  const auto now = std::chrono::steady_clock::now();
  std::vector<Entry> noted;
  {
    std::lock_guard lock(mutex_);
    if (now < next_flush_) return;
    for (Entry& entry : entries_) {
      if (entry.count == 0) continue;
      noted.push_back(entry);
      entry.count = 0;
    }
    if (!noted.empty()) next_flush_ = now + interval;
  }
  for (const Entry& entry : noted) {
    spdlog::warn("nats source '{}': {}: {} (last: {})", source_name, entry.kind, entry.count, entry.last_detail);
  }
}

}  // namespace sluice
