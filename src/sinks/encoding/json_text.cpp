#include "sinks/encoding/json_text.hpp"

#include <bit>
#include <cassert>
#include <cstdint>
#include <cstring>

namespace sluice::encoding {
namespace {

constexpr char kHex[] = "0123456789abcdef";

constexpr std::uint64_t kOnes = 0x0101'0101'0101'0101ull;
constexpr std::uint64_t kHighBits = 0x8080'8080'8080'8080ull;

std::uint64_t load_word(const char* at) noexcept {
  std::uint64_t word = 0;
  std::memcpy(&word, at, sizeof(word));
  return word;
}

// A byte that a JSON string cannot hold as it is (a control character, a quote or a backslash),
// or one of a multi-byte UTF-8 sequence, which must be checked.
constexpr bool needs_a_look(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }

// The high bit of each byte of `word` that needs_a_look, eight at a time (the SWAR "has less
// than" and "has zero byte" tests). A subtraction's borrow only marks bytes after a byte that
// really needs a look, so the lowest marked byte is exact.
constexpr std::uint64_t bytes_needing_a_look(std::uint64_t word) noexcept {
  const std::uint64_t control = word - kOnes * 0x20;
  const std::uint64_t quote = (word ^ (kOnes * '"')) - kOnes;
  const std::uint64_t backslash = (word ^ (kOnes * '\\')) - kOnes;
  return (((control | quote | backslash) & ~word) | word) & kHighBits;
}

// The index of the first byte at or after `i` that needs_a_look, or `size`. Strings in events
// are mostly plain ASCII: eight bytes per step, so that a clean run is then copied in one piece.
std::size_t next_byte_needing_a_look(const char* text, std::size_t size, std::size_t i) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= size; i += 8) {
      const std::uint64_t found = bytes_needing_a_look(load_word(text + i));
      if (found != 0) return i + static_cast<std::size_t>(std::countr_zero(found)) / 8;
    }
    if (i < size && size >= 8) {
      // The rest in one step too: the last eight bytes, without those before `i`. A borrow from a
      // byte before `i` may mark a clean byte, so the byte loop below confirms the first mark.
      const std::size_t from = size - 8;
      const std::uint64_t found = bytes_needing_a_look(load_word(text + from)) >> (8 * (i - from));
      if (found == 0) return size;
      i += static_cast<std::size_t>(std::countr_zero(found)) / 8;
    }
  }
  for (; i < size; ++i) {
    if (needs_a_look(static_cast<unsigned char>(text[i]))) return i;
  }
  return size;
}

// Length of the well-formed UTF-8 sequence at `s` (RFC 3629: no overlongs, no surrogates, nothing
// above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence(const unsigned char* s, std::size_t available) noexcept {
  const unsigned char lead = s[0];
  if (lead < 0x80) return 1;
  if (lead < 0xC2) return 0;
  auto continuation = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  if (lead < 0xE0) return available >= 2 && continuation(s[1]) ? 2 : 0;
  if (lead < 0xF0) {
    if (available < 3) return 0;
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return s[1] >= low && s[1] <= high && continuation(s[2]) ? 3 : 0;
  }
  if (lead < 0xF5) {
    if (available < 4) return 0;
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return s[1] >= low && s[1] <= high && continuation(s[2]) && continuation(s[3]) ? 4 : 0;
  }
  return 0;
}

// The letter of a two-character escape (\n for a newline), or 0 for a control character that is
// written as \u00XX.
constexpr char short_escape(unsigned char c) noexcept {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return 0;
  }
}

// What a byte that is not valid UTF-8 becomes.
constexpr std::string_view kReplacement = "\\ufffd";

char* copy(char* out, const char* from, std::size_t size) noexcept {
  if (size != 0) std::memcpy(out, from, size);  // `from` may be null when size is 0
  return out + size;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool read_hex4(std::string_view text, std::size_t at, std::uint32_t& value) noexcept {
  if (at + 4 > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const int digit = hex_value(text[at + i]);
    if (digit < 0) return false;
    value = (value << 4) | static_cast<std::uint32_t>(digit);
  }
  return true;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool iends_with(std::string_view text, std::string_view suffix) noexcept {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

// Recursive-descent validator over a view; `pos_` only moves forward.
class JsonValidator {
 public:
  explicit JsonValidator(std::string_view text) noexcept : text_(text) {}

  bool document() noexcept {
    skip_whitespace();
    if (!value(0)) return false;
    skip_whitespace();
    return pos_ == text_.size();
  }

 private:
  static constexpr int kMaxDepth = 512;

  bool at_end() const noexcept { return pos_ >= text_.size(); }
  char peek() const noexcept { return text_[pos_]; }

  void skip_whitespace() noexcept {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
  }

  bool literal(std::string_view word) noexcept {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool value(int depth) noexcept {
    if (at_end()) return false;
    switch (peek()) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  bool object(int depth) noexcept {
    if (depth > kMaxDepth) return false;
    ++pos_;  // '{'
    skip_whitespace();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_whitespace();
      if (at_end() || peek() != '"' || !string()) return false;
      skip_whitespace();
      if (at_end() || peek() != ':') return false;
      ++pos_;
      skip_whitespace();
      if (!value(depth)) return false;
      skip_whitespace();
      if (at_end()) return false;
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      if (peek() != ',') return false;
      ++pos_;
    }
  }

  bool array(int depth) noexcept {
    if (depth > kMaxDepth) return false;
    ++pos_;  // '['
    skip_whitespace();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_whitespace();
      if (!value(depth)) return false;
      skip_whitespace();
      if (at_end()) return false;
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      if (peek() != ',') return false;
      ++pos_;
    }
  }

  bool string() noexcept {
    ++pos_;  // opening quote
    for (;;) {
      pos_ = next_byte_needing_a_look(text_.data(), text_.size(), pos_);
      if (at_end()) return false;
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++pos_ >= text_.size()) return false;
        const char escape = peek();
        if (escape == 'u') {
          std::uint32_t ignored = 0;
          if (!read_hex4(text_, pos_ + 1, ignored)) return false;
          pos_ += 5;
          continue;
        }
        if (escape != '"' && escape != '\\' && escape != '/' && escape != 'b' && escape != 'f' &&
            escape != 'n' && escape != 'r' && escape != 't') {
          return false;
        }
        ++pos_;
        continue;
      }
      const std::size_t length =
          utf8_sequence(reinterpret_cast<const unsigned char*>(text_.data()) + pos_, text_.size() - pos_);
      if (length == 0) return false;
      pos_ += length;
    }
  }

  bool digits() noexcept {
    const std::size_t start = pos_;
    while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    return pos_ > start;
  }

  bool number() noexcept {
    if (!at_end() && peek() == '-') ++pos_;
    if (at_end()) return false;
    if (peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      return false;
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (!digits()) return false;
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::size_t json_string_size(std::string_view text) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t size = text.size() + 2;
  std::size_t i = 0;
  for (;;) {
    i = next_byte_needing_a_look(text.data(), text.size(), i);
    if (i == text.size()) return size;
    const unsigned char c = bytes[i];
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence(bytes + i, text.size() - i);
      if (length != 0) {
        i += length;
        continue;
      }
      size += kReplacement.size() - 1;
    } else {
      size += (short_escape(c) != 0 ? 2 : 6) - 1;
    }
    ++i;
  }
}

char* write_json_string(char* out, std::string_view text) noexcept {
  const char* const chars = text.data();
  const auto* bytes = reinterpret_cast<const unsigned char*>(chars);
  *out++ = '"';
  std::size_t run_start = 0;  // start of the pending run of bytes that need no escaping
  std::size_t i = 0;
  for (;;) {
    i = next_byte_needing_a_look(chars, text.size(), i);
    if (i == text.size()) break;
    const unsigned char c = bytes[i];
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence(bytes + i, text.size() - i);
      if (length != 0) {
        i += length;
        continue;
      }
      out = copy(out, chars + run_start, i - run_start);
      out = copy(out, kReplacement.data(), kReplacement.size());
    } else {
      out = copy(out, chars + run_start, i - run_start);
      *out++ = '\\';
      if (const char escape = short_escape(c); escape != 0) {
        *out++ = escape;
      } else {
        const char code[] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out = copy(out, code, sizeof(code));
      }
    }
    run_start = ++i;
  }
  out = copy(out, chars + run_start, text.size() - run_start);
  *out++ = '"';
  return out;
}

void append_json_string(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  out.resize(start + json_string_size(text));
  [[maybe_unused]] const char* end = write_json_string(out.data() + start, text);
  assert(end == out.data() + out.size());
}

bool is_valid_utf8(std::string_view text) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size() && (load_word(text.data() + i) & kHighBits) == 0) {
      i += 8;  // eight ASCII bytes
      continue;
    }
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence(bytes + i, text.size() - i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

bool is_valid_json(std::string_view text) noexcept { return JsonValidator(text).document(); }

bool decode_json_string(std::string_view token, std::string& out) {
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
  const std::string_view body = token.substr(1, token.size() - 2);
  out.reserve(out.size() + body.size());
  std::size_t i = 0;
  while (i < body.size()) {
    const char c = body[i];
    if (c == '"' || static_cast<unsigned char>(c) < 0x20) return false;
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    if (++i >= body.size()) return false;
    const char escape = body[i++];
    switch (escape) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t unit = 0;
        if (!read_hex4(body, i, unit)) return false;
        i += 4;
        std::uint32_t code_point = unit;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          std::uint32_t low = 0;
          if (i + 6 <= body.size() && body[i] == '\\' && body[i + 1] == 'u' && read_hex4(body, i + 2, low) &&
              low >= 0xDC00 && low <= 0xDFFF) {
            code_point = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          } else {
            code_point = 0xFFFD;  // lone high surrogate
          }
        } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
          code_point = 0xFFFD;  // lone low surrogate
        }
        append_utf8(out, code_point);
        break;
      }
      default: return false;
    }
  }
  return true;
}

namespace {

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The two base64 characters of every 12-bit value: half the lookups of one per 6 bits (8 KiB).
struct Base64Pairs {
  char pair[4096][2];
};

constexpr Base64Pairs make_base64_pairs() noexcept {
  Base64Pairs pairs{};
  for (std::size_t i = 0; i < 4096; ++i) {
    pairs.pair[i][0] = kBase64Alphabet[i >> 6];
    pairs.pair[i][1] = kBase64Alphabet[i & 0x3F];
  }
  return pairs;
}

constexpr Base64Pairs kBase64Pairs = make_base64_pairs();

}  // namespace

char* write_base64(char* out, std::string_view bytes) noexcept {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t full = bytes.size() / 3 * 3;
  for (std::size_t i = 0; i < full; i += 3) {
    const std::uint32_t triple = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    std::memcpy(out, kBase64Pairs.pair[triple >> 12], 2);
    std::memcpy(out + 2, kBase64Pairs.pair[triple & 0xFFF], 2);
    out += 4;
  }
  const std::size_t rest = bytes.size() - full;
  if (rest == 0) return out;
  std::uint32_t triple = std::uint32_t{in[full]} << 16;
  if (rest == 2) triple |= std::uint32_t{in[full + 1]} << 8;
  out[0] = kBase64Alphabet[(triple >> 18) & 0x3F];
  out[1] = kBase64Alphabet[(triple >> 12) & 0x3F];
  out[2] = rest == 2 ? kBase64Alphabet[(triple >> 6) & 0x3F] : '=';
  out[3] = '=';
  return out + 4;
}

void append_base64(std::string& out, std::string_view bytes) {
  const std::size_t start = out.size();
  out.resize(start + base64_size(bytes.size()));
  write_base64(out.data() + start, bytes);
}

std::string_view media_type_essence(std::string_view content_type) noexcept {
  const std::size_t semicolon = content_type.find(';');
  std::string_view essence = content_type.substr(0, semicolon);
  while (!essence.empty() && (essence.front() == ' ' || essence.front() == '\t')) essence.remove_prefix(1);
  while (!essence.empty() && (essence.back() == ' ' || essence.back() == '\t')) essence.remove_suffix(1);
  return essence;
}

bool is_json_media_type(std::string_view content_type) noexcept {
  const std::string_view essence = media_type_essence(content_type);
  const std::size_t slash = essence.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view subtype = essence.substr(slash + 1);
  return iequals(subtype, "json") || iends_with(subtype, "+json");
}

bool is_text_media_type(std::string_view content_type) noexcept {
  const std::string_view essence = media_type_essence(content_type);
  const std::size_t slash = essence.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view type = essence.substr(0, slash);
  const std::string_view subtype = essence.substr(slash + 1);
  return iequals(type, "text") || iequals(subtype, "xml") || iends_with(subtype, "+xml");
}

}  // namespace sluice::encoding
