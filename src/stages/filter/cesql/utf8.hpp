#pragma once
// UTF-8 helpers for CESQL's character-based string functions (LENGTH, LEFT, SUBSTRING, `_`).
//
// Strings from events are valid UTF-8 (the decoder validates them) and the lexer rejects invalid
// literals, but every helper stays memory-safe on arbitrary bytes: a stray continuation byte
// simply belongs to the character before it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::cesql::utf8 {

inline bool is_continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

// Offset of the character after the one starting at `pos` (pos < text.size()).
inline std::size_t next(std::string_view text, std::size_t pos) noexcept {
  ++pos;
  while (pos < text.size() && is_continuation(text[pos])) ++pos;
  return pos;
}

// Offset of the character before `pos` (pos > 0).
inline std::size_t prev(std::string_view text, std::size_t pos) noexcept {
  --pos;
  while (pos > 0 && is_continuation(text[pos])) --pos;
  return pos;
}

// Number of characters (code points).
std::size_t length(std::string_view text) noexcept;

// Byte offset after skipping `count` characters from the start; text.size() when it runs out.
std::size_t offset_of(std::string_view text, std::size_t count) noexcept;

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
bool valid(std::string_view text) noexcept;

// Removes leading and trailing Unicode White_Space characters.
std::string_view trim(std::string_view text) noexcept;

// Case mapping for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic: the scripts event
// payloads realistically carry. Mappings that change the encoded length are left out, so the
// result has the same byte length as the input. Returns false (and leaves `out` untouched) when
// nothing would change, so callers can keep the original view.
bool to_lower(std::string_view text, std::string& out);
bool to_upper(std::string_view text, std::string& out);

}  // namespace sluice::cesql::utf8
