#include "stages/decode/synthetic_event.hpp"

#include <sluice/core/arena.hpp>

#include <cstdio>
#include <ctime>
#include <random>

namespace sluice {

EventIdGenerator::EventIdGenerator() {
  std::random_device device;
  prefix_ = (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::string_view EventIdGenerator::next(Arena& arena) {
  char text[40];
  const int length = std::snprintf(text, sizeof(text), "%016llx-%llx", static_cast<unsigned long long>(prefix_),
                                   static_cast<unsigned long long>(counter_++));
  return arena.copy({text, static_cast<std::size_t>(length)});
}

std::string_view format_rfc3339(std::chrono::system_clock::time_point time, Arena& arena) {
  using namespace std::chrono;
  const auto micros = duration_cast<microseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  long fraction = static_cast<long>(micros % 1'000'000);
  if (fraction < 0) {
    fraction += 1'000'000;
    --seconds;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const int length = std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900,
                                   utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
  return arena.copy({text, static_cast<std::size_t>(length)});
}

}  // namespace sluice
