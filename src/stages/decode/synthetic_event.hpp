#pragma once
// Attribute values of events that sluice makes up itself (plain_json mode): a unique id and the
// current time.
//
// Thread-safety: an EventIdGenerator belongs to one worker (its counter is not atomic); ids stay
// unique across workers and restarts because each generator starts from a random 64-bit prefix.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace sluice {

class Arena;

class EventIdGenerator {
 public:
  EventIdGenerator();
  // "<16 hex digits of prefix>-<counter in hex>", written into `arena`.
  std::string_view next(Arena& arena);

 private:
  std::uint64_t prefix_;
  std::uint64_t counter_ = 0;
};

// RFC 3339 UTC with microseconds, "2024-05-01T12:34:56.123456Z", written into `arena`.
std::string_view format_rfc3339(std::chrono::system_clock::time_point time, Arena& arena);

}  // namespace sluice
