#include "config/units.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace sluice {
namespace {

// Splits "250ms" into 250 and "ms". Accepts a decimal fraction ("1.5s").
std::optional<std::pair<double, std::string_view>> split_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::size_t digits = 0;
  while (digits < text.size() && ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) {
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + digits, value);
  if (error != std::errc() || end != text.data() + digits || !std::isfinite(value)) return std::nullopt;
  std::string_view unit = text.substr(digits);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return std::pair{value, unit};
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto parsed = split_number(text);
  if (!parsed) return std::nullopt;
  auto [value, unit] = *parsed;
  double millis = 0;
  if (unit.empty() || unit == "ms") millis = value;
  else if (unit == "s") millis = value * 1e3;
  else if (unit == "m" || unit == "min") millis = value * 60e3;
  else if (unit == "h") millis = value * 3600e3;
  else return std::nullopt;
  if (millis > static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2)) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(millis)));
}

std::optional<std::uint64_t> parse_bytes(std::string_view text) {
  auto parsed = split_number(text);
  if (!parsed) return std::nullopt;
  auto [value, unit] = *parsed;
  double multiplier = 0;
  if (unit.empty() || unit == "B") multiplier = 1;
  else if (unit == "KiB" || unit == "Ki") multiplier = 1024.0;
  else if (unit == "MiB" || unit == "Mi") multiplier = 1024.0 * 1024;
  else if (unit == "GiB" || unit == "Gi") multiplier = 1024.0 * 1024 * 1024;
  else if (unit == "KB" || unit == "kB" || unit == "K") multiplier = 1e3;
  else if (unit == "MB" || unit == "M") multiplier = 1e6;
  else if (unit == "GB" || unit == "G") multiplier = 1e9;
  else return std::nullopt;
  const double bytes = value * multiplier;
  if (bytes > 1e18) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(bytes));
}

}  // namespace sluice
