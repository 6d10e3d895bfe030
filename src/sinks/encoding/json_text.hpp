#pragma once
// JSON text primitives for the sink encoders: string escaping, validation, string decoding,
// base64, and media-type classification. Pure functions: thread-safe, no allocation beyond `out`.
// The write_* forms write into memory the caller sized with the matching *_size, so that a
// renderer of many pieces grows its output once (structured_json.cpp).

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::encoding {

// Appends `text` as a quoted JSON string. Control characters, '"' and '\' are escaped; bytes that
// are not valid UTF-8 become U+FFFD, so the output is always valid JSON whatever the input.
void append_json_string(std::string& out, std::string_view text);
// The exact number of bytes append_json_string appends for `text`, quotes included.
std::size_t json_string_size(std::string_view text) noexcept;
// append_json_string into memory with room for json_string_size(text) bytes; returns the end.
char* write_json_string(char* out, std::string_view text) noexcept;

bool is_valid_utf8(std::string_view text) noexcept;

// True when `text` is exactly one JSON value (RFC 8259), optionally surrounded by whitespace.
// Nesting deeper than 512 levels is refused.
bool is_valid_json(std::string_view text) noexcept;

// Decodes a quoted JSON string token ("a\"b" with its quotes) into its UTF-8 contents, appended
// to `out`. False when the token is not a well-formed JSON string.
bool decode_json_string(std::string_view token, std::string& out);

// Standard base64 (RFC 4648 §4) with padding.
void append_base64(std::string& out, std::string_view bytes);
constexpr std::size_t base64_size(std::size_t bytes) noexcept { return (bytes + 2) / 3 * 4; }
// append_base64 into memory with room for base64_size(bytes.size()) bytes; returns the end.
char* write_base64(char* out, std::string_view bytes) noexcept;

// Media type without parameters, e.g. "application/json" from "Application/JSON; charset=utf-8".
// The comparison helpers below are case-insensitive.
std::string_view media_type_essence(std::string_view content_type) noexcept;
// "*/json" or "*/*+json" (the CloudEvents JSON format's definition of JSON content).
bool is_json_media_type(std::string_view content_type) noexcept;
// "text/*", "*/xml" or "*/*+xml": content that is text by definition.
bool is_text_media_type(std::string_view content_type) noexcept;

}  // namespace sluice::encoding
