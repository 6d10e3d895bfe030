#include <sluice/core/batch.hpp>
#include <sluice/core/dead_letter.hpp>
#include <sluice/core/sink_queue.hpp>

#include <prometheus/counter.h>

namespace sluice {

std::string_view to_string(DeadLetterReason reason) noexcept {
  switch (reason) {
    case DeadLetterReason::invalid: return "invalid";
    case DeadLetterReason::unrouted: return "unrouted";
    case DeadLetterReason::missing_field: return "missing_field";
    case DeadLetterReason::sink_full: return "sink_full";
    case DeadLetterReason::sink_rejected: return "sink_rejected";
  }
  return "unknown";
}

void DeadLetterPolicy::count(DeadLetterReason reason, double records) const noexcept {
  if (prometheus::Counter* counter = counters[static_cast<std::size_t>(reason)]) counter->Increment(records);
  if (total != nullptr) total->Increment(records);
}

std::string_view DeadLetterPolicy::route_name(std::uint16_t route_index) const noexcept {
  return route_index < route_names.size() ? std::string_view(route_names[route_index]) : std::string_view();
}

DeadLetterHeaders dead_letter_headers(const OutRecord& record) noexcept {
  DeadLetterHeaders headers;
  const DeadLetterNote* note = record.dead_letter;
  if (note == nullptr) return headers;
  auto add = [&](const char* name, std::string_view value) {
    if (!value.empty()) headers.entries[headers.size++] = DeadLetterHeader{name, value};
  };
  add("sluice_dlq_reason", to_string(note->reason));
  add("sluice_dlq_detail", note->detail);
  add("sluice_dlq_source", record.batch->source_name());
  add("sluice_dlq_route", note->route);
  add("sluice_dlq_sink", note->sink);
  return headers;
}

}  // namespace sluice
