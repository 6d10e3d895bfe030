#include "stages/filter/cesql/utf8.hpp"

namespace sluice::cesql::utf8 {
namespace {

constexpr std::uint32_t kInvalid = 0xFFFFFFFFU;

// Decodes the well-formed character at `pos`; kInvalid (consuming one byte) otherwise.
std::uint32_t decode(std::string_view text, std::size_t pos, std::size_t& size) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  size = 1;
  if (lead < 0x80U) return lead;
  std::size_t need = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if (lead >= 0xC2U && lead <= 0xDFU) {
    need = 1, cp = lead & 0x1FU, min = 0x80U;
  } else if (lead >= 0xE0U && lead <= 0xEFU) {
    need = 2, cp = lead & 0x0FU, min = 0x800U;
  } else if (lead >= 0xF0U && lead <= 0xF4U) {
    need = 3, cp = lead & 0x07U, min = 0x10000U;
  } else {
    return kInvalid;
  }
  if (text.size() - pos <= need) return kInvalid;
  for (std::size_t i = 1; i <= need; ++i) {
    if (!is_continuation(text[pos + i])) return kInvalid;
    cp = (cp << 6U) | (byte(pos + i) & 0x3FU);
  }
  if (cp < min || cp > 0x10FFFFU || (cp >= 0xD800U && cp <= 0xDFFFU)) return kInvalid;
  size = need + 1;
  return cp;
}

bool is_white_space(std::uint32_t cp) noexcept {
  return (cp >= 0x09U && cp <= 0x0DU) || cp == 0x20U || cp == 0x85U || cp == 0xA0U || cp == 0x1680U ||
         (cp >= 0x2000U && cp <= 0x200AU) || cp == 0x2028U || cp == 0x2029U || cp == 0x202FU ||
         cp == 0x205FU || cp == 0x3000U;
}

// Ranges where upper and lower case alternate: the upper case letter sits on `upper_parity`.
struct PairRange {
  std::uint32_t first, last, upper_parity;
};
constexpr PairRange kPairRanges[] = {
    {0x0100, 0x012F, 0}, {0x0132, 0x0137, 0}, {0x0139, 0x0148, 1}, {0x014A, 0x0177, 0},
    {0x0179, 0x017E, 1}, {0x0460, 0x0481, 0}, {0x048A, 0x04BF, 0}, {0x04C1, 0x04CE, 1},
    {0x04D0, 0x052F, 0},
};

// Ranges where the lower case letter is the upper case one plus `delta`.
struct ShiftRange {
  std::uint32_t first, last, delta;
};
constexpr ShiftRange kShiftRanges[] = {
    {0x0041, 0x005A, 0x20}, {0x00C0, 0x00D6, 0x20}, {0x00D8, 0x00DE, 0x20}, {0x0391, 0x03A1, 0x20},
    {0x03A3, 0x03AB, 0x20}, {0x0388, 0x038A, 0x25}, {0x038E, 0x038F, 0x3F}, {0x0410, 0x042F, 0x20},
    {0x0400, 0x040F, 0x50},
};

// Pairs that fit no range.
struct SinglePair {
  std::uint32_t upper, lower;
};
constexpr SinglePair kSinglePairs[] = {{0x0178, 0x00FF}, {0x0386, 0x03AC}, {0x038C, 0x03CC}, {0x04C0, 0x04CF}};

std::uint32_t lower_of(std::uint32_t cp) noexcept {
  for (const auto& r : kShiftRanges) {
    if (cp >= r.first && cp <= r.last) return cp + r.delta;
  }
  for (const auto& r : kPairRanges) {
    if (cp >= r.first && cp <= r.last && (cp & 1U) == r.upper_parity) return cp + 1;
  }
  for (const auto& p : kSinglePairs) {
    if (cp == p.upper) return p.lower;
  }
  return cp;
}

std::uint32_t upper_of(std::uint32_t cp) noexcept {
  if (cp == 0x03C2U) return 0x03A3U;  // final sigma
  for (const auto& r : kShiftRanges) {
    if (cp >= r.first + r.delta && cp <= r.last + r.delta) return cp - r.delta;
  }
  for (const auto& r : kPairRanges) {
    if (cp > r.first && cp <= r.last && (cp & 1U) != r.upper_parity) return cp - 1;
  }
  for (const auto& p : kSinglePairs) {
    if (cp == p.lower) return p.upper;
  }
  return cp;
}

template <std::uint32_t (*Map)(std::uint32_t) noexcept>
bool map_case(std::string_view text, std::string& out) {
  // Only ASCII and two-byte characters have mappings here; find the first one that changes.
  std::size_t pos = 0;
  std::size_t size = 1;
  std::uint32_t mapped = 0;
  for (; pos < text.size(); pos += size) {
    const std::uint32_t cp = decode(text, pos, size);
    if (cp != kInvalid && cp < 0x800U && (mapped = Map(cp)) != cp) break;
  }
  if (pos == text.size()) return false;

  out.assign(text);
  for (; pos < text.size(); pos += size) {
    const std::uint32_t cp = decode(text, pos, size);
    if (cp == kInvalid || cp >= 0x800U) continue;
    mapped = Map(cp);
    if (mapped == cp) continue;
    if (cp < 0x80U) {
      out[pos] = static_cast<char>(mapped);
    } else {
      out[pos] = static_cast<char>(0xC0U | (mapped >> 6U));
      out[pos + 1] = static_cast<char>(0x80U | (mapped & 0x3FU));
    }
  }
  return true;
}

}  // namespace

std::size_t length(std::string_view text) noexcept {
  std::size_t count = 0;
  for (const char c : text) count += is_continuation(c) ? 0 : 1;
  return count;
}

std::size_t offset_of(std::string_view text, std::size_t count) noexcept {
  std::size_t pos = 0;
  while (count > 0 && pos < text.size()) pos = next(text, pos), --count;
  return pos;
}

bool valid(std::string_view text) noexcept {
  std::size_t size = 1;
  for (std::size_t pos = 0; pos < text.size(); pos += size) {
    if (decode(text, pos, size) == kInvalid) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) noexcept {
  std::size_t size = 1;
  while (!text.empty() && is_white_space(decode(text, 0, size))) text.remove_prefix(size);
  while (!text.empty()) {
    const std::size_t start = prev(text, text.size());
    if (!is_white_space(decode(text, start, size)) || start + size != text.size()) break;
    text.remove_suffix(size);
  }
  return text;
}

bool to_lower(std::string_view text, std::string& out) { return map_case<lower_of>(text, out); }
bool to_upper(std::string_view text, std::string& out) { return map_case<upper_of>(text, out); }

}  // namespace sluice::cesql::utf8
