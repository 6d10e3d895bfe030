#pragma once
// Small JSON text helpers the decoder and router share: whitespace trimming, number grammar,
// string unescaping, and locating the first error of a stage-1 failure for the client's message.
// Pure functions; thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::json_text {

constexpr bool is_whitespace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view text) noexcept;
std::string_view trim_right(std::string_view text) noexcept;

// True when `token` is exactly one RFC 8259 number (no surrounding whitespace). Any magnitude:
// the decoder forwards numbers as text, so it need not fit a double.
bool is_number(std::string_view token) noexcept;
// True when `token` is an RFC 8259 number with neither fraction nor exponent.
bool is_integer(std::string_view token) noexcept;

// The content of a string token as simdjson delimits it (the string, then whitespace up to the
// next token): the closing quote is the token's last non-space byte, so nothing is scanned for it.
// Empty when `token` is too short to be a string.
std::string_view string_token_content(std::string_view token) noexcept;
bool has_escape(std::string_view content) noexcept;

// Unescapes the content of a JSON string (without its quotes) into `out`. False on an invalid
// escape or an unpaired surrogate. Bytes other than escapes are copied as they are.
bool unescape(std::string_view content, std::string& out);
// Returns the content of the quoted string at the start of `token` ("abc"  -> abc), or nullopt
// when it is not one. The content may still hold escapes.
std::optional<std::string_view> quoted_content(std::string_view token) noexcept;

// Offsets of the first problem, for error messages after simdjson's stage 1 rejected a document.
// Each returns npos when it finds nothing.
std::size_t find_invalid_utf8(std::string_view text) noexcept;
std::size_t find_unescaped_control(std::string_view text) noexcept;  // a byte < 0x20 inside a string
std::size_t find_unclosed_string(std::string_view text) noexcept;    // the opening quote

// The text of the JSON value that starts `text` (an object or array up to its matching bracket,
// a string up to its closing quote, another scalar up to a delimiter), or all of `text` when it
// does not end. Brackets are counted outside strings only; nothing else is checked. Used to cut
// an invalid event out of a batch for the dead letter.
std::string_view value_text(std::string_view text) noexcept;

}  // namespace sluice::json_text
