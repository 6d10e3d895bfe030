#include "sources/grpc/json_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace sluice::grpc_json {
namespace {

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// protobuf Timestamp's range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr std::int64_t kMinSeconds = -62'135'596'800;
constexpr std::int64_t kMaxSeconds = 253'402'300'799;

// Characters that need escaping in a JSON string.
constexpr bool needs_escape(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\'; }

void two_digits(char* out, unsigned value) noexcept {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
}

}  // namespace

JsonWriter::JsonWriter(std::size_t initial_capacity) : buffer_(std::max<std::size_t>(initial_capacity, 64)) {}

char* JsonWriter::room(std::size_t bytes) {
  if (buffer_.capacity() - size_ < bytes) {
    buffer_.set_size(size_);  // reserve() keeps size() bytes
    buffer_.reserve(std::max(buffer_.capacity() * 2, size_ + bytes));
  }
  return buffer_.data() + size_;
}

void JsonWriter::raw(std::string_view text) {
  if (text.empty()) return;
  std::memcpy(room(text.size()), text.data(), text.size());
  size_ += text.size();
}

void JsonWriter::raw(char c) {
  *room(1) = c;
  ++size_;
}

void JsonWriter::string(std::string_view text) {
  raw('"');
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!needs_escape(c)) continue;
    raw(text.substr(start, i - start));
    start = i + 1;
    switch (c) {
      case '"': raw("\\\""); break;
      case '\\': raw("\\\\"); break;
      case '\b': raw("\\b"); break;
      case '\f': raw("\\f"); break;
      case '\n': raw("\\n"); break;
      case '\r': raw("\\r"); break;
      case '\t': raw("\\t"); break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        raw(std::string_view(escape, sizeof escape));
      }
    }
  }
  raw(text.substr(start));
  raw('"');
}

void JsonWriter::base64(std::string_view bytes) {
  const std::size_t encoded = (bytes.size() + 2) / 3 * 4;
  char* out = room(encoded + 2);
  *out++ = '"';
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *out++ = kBase64Alphabet[(group >> 18) & 0x3F];
    *out++ = kBase64Alphabet[(group >> 12) & 0x3F];
    *out++ = kBase64Alphabet[(group >> 6) & 0x3F];
    *out++ = kBase64Alphabet[group & 0x3F];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t group = std::uint32_t{in[i]} << 16;
    if (rest == 2) group |= std::uint32_t{in[i + 1]} << 8;
    *out++ = kBase64Alphabet[(group >> 18) & 0x3F];
    *out++ = kBase64Alphabet[(group >> 12) & 0x3F];
    *out++ = rest == 2 ? kBase64Alphabet[(group >> 6) & 0x3F] : '=';
    *out++ = '=';
  }
  *out = '"';
  size_ += encoded + 2;
}

void JsonWriter::integer(std::int64_t value) {
  char* out = room(24);
  size_ += static_cast<std::size_t>(std::to_chars(out, out + 24, value).ptr - out);
}

bool JsonWriter::timestamp(std::int64_t seconds, std::int32_t nanos) {
  char text[32];
  const std::size_t size = format_timestamp(seconds, nanos, text);
  if (size == 0) return false;
  raw('"');
  raw(std::string_view(text, size));
  raw('"');
  return true;
}

PaddedBuffer JsonWriter::take() noexcept {
  buffer_.set_size(size_);
  size_ = 0;
  return std::move(buffer_);
}

std::size_t format_timestamp(std::int64_t seconds, std::int32_t nanos, char* out) noexcept {
  if (seconds < kMinSeconds || seconds > kMaxSeconds || nanos < 0 || nanos > 999'999'999) return 0;
  std::int64_t days = seconds / 86'400;
  std::int64_t second_of_day = seconds % 86'400;
  if (second_of_day < 0) {
    second_of_day += 86'400;
    --days;
  }
  // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
  const std::int64_t z = days + 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const auto day_of_era = static_cast<unsigned>(z - era * 146'097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const auto year = static_cast<unsigned>(static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0));

  two_digits(out, year / 100);
  two_digits(out + 2, year % 100);
  out[4] = '-';
  two_digits(out + 5, month);
  out[7] = '-';
  two_digits(out + 8, day);
  out[10] = 'T';
  const auto sod = static_cast<unsigned>(second_of_day);
  two_digits(out + 11, sod / 3600);
  out[13] = ':';
  two_digits(out + 14, sod / 60 % 60);
  out[16] = ':';
  two_digits(out + 17, sod % 60);
  std::size_t size = 19;
  if (nanos != 0) {
    unsigned digits = 9;
    auto fraction = static_cast<unsigned>(nanos);
    if (fraction % 1'000'000 == 0) {
      digits = 3;
      fraction /= 1'000'000;
    } else if (fraction % 1'000 == 0) {
      digits = 6;
      fraction /= 1'000;
    }
    out[size++] = '.';
    for (unsigned i = digits; i > 0; --i) {
      out[size + i - 1] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    size += digits;
  }
  out[size++] = 'Z';
  return size;
}

}  // namespace sluice::grpc_json
