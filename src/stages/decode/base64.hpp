#pragma once
// RFC 4648 base64 (standard alphabet) decoding for `data_base64`. Thread-safe.

#include <cstddef>
#include <string_view>

namespace sluice::base64 {

// Upper bound of the decoded size of `encoded_size` characters.
constexpr std::size_t max_decoded_size(std::size_t encoded_size) noexcept { return (encoded_size / 4 + 1) * 3; }

// Decodes `encoded` into `out` (room for max_decoded_size bytes) and returns the decoded size, or
// -1 when the text is not base64. Padding is optional (some producers strip it); whitespace and
// the URL-safe alphabet are rejected, as the JSON format names plain RFC 4648 base64.
std::ptrdiff_t decode(std::string_view encoded, char* out) noexcept;

}  // namespace sluice::base64
