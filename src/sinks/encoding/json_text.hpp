#pragma once
// JSON text primitives for the sink encoders: string escaping, validation, string decoding,
// base64, and media-type classification. Pure functions: thread-safe, no allocation beyond `out`.

#include <string>
#include <string_view>

namespace sluice::encoding {

// Appends `text` as a quoted JSON string. Control characters, '"' and '\' are escaped; bytes that
// are not valid UTF-8 become U+FFFD, so the output is always valid JSON whatever the input.
void append_json_string(std::string& out, std::string_view text);

bool is_valid_utf8(std::string_view text) noexcept;

// True when `text` is exactly one JSON value (RFC 8259), optionally surrounded by whitespace.
// Nesting deeper than 512 levels is refused.
bool is_valid_json(std::string_view text) noexcept;

// Decodes a quoted JSON string token ("a\"b" with its quotes) into its UTF-8 contents, appended
// to `out`. False when the token is not a well-formed JSON string.
bool decode_json_string(std::string_view token, std::string& out);

// Standard base64 (RFC 4648 §4) with padding.
void append_base64(std::string& out, std::string_view bytes);

// Media type without parameters, e.g. "application/json" from "Application/JSON; charset=utf-8".
// The comparison helpers below are case-insensitive.
std::string_view media_type_essence(std::string_view content_type) noexcept;
// "*/json" or "*/*+json" (the CloudEvents JSON format's definition of JSON content).
bool is_json_media_type(std::string_view content_type) noexcept;
// "text/*", "*/xml" or "*/*+xml": content that is text by definition.
bool is_text_media_type(std::string_view content_type) noexcept;

}  // namespace sluice::encoding
