#pragma once
// Renders the CloudEvents 1.0 events of a run: id `<run-id>-<connection>-<seq>`, type
// com.example.bench, source /sluice-bench, and a JSON data object padded so that the structured
// event is about `event_size` bytes. Rendering is appends into a caller's buffer (no allocation
// once the buffer has grown) so the generator stays cheaper than the pipeline it measures.
//
// Thread-safe after construction (const member functions only).

#include <cstddef>
#include <string>
#include <string_view>

#include "event_id.hpp"

namespace sluice::bench {

inline constexpr std::string_view kEventType = "com.example.bench";
inline constexpr std::string_view kEventSource = "/sluice-bench";
inline constexpr std::string_view kSpecVersion = "1.0";
inline constexpr std::string_view kDataContentType = "application/json";

class EventFactory {
 public:
  EventFactory(std::string run_id, std::size_t event_size);

  const std::string& run_id() const { return run_id_; }
  std::size_t event_size() const { return event_size_; }

  // The whole structured event (one JSON object, no trailing newline).
  void append_event(std::string& out, EventKey key) const;
  // Only the `data` object, for binary content mode where attributes travel as headers.
  void append_data(std::string& out, EventKey key) const;
  void append_id(std::string& out, EventKey key) const { append_event_id(out, run_id_, key); }

 private:
  // How many pad characters make the structured event of `key` event_size_ bytes long.
  std::size_t pad_length(EventKey key) const;
  void append_data_with_pad(std::string& out, EventKey key, std::size_t pad) const;

  std::string run_id_;
  std::size_t event_size_;
  std::string pad_source_;     // 2 * event_size_ pseudo-random characters; windows of it are the pad
  std::size_t fixed_length_;   // length of an event with empty id digits and an empty pad
};

}  // namespace sluice::bench
