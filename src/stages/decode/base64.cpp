#include "stages/decode/base64.hpp"

#include <array>
#include <cstdint>

namespace sluice::base64 {
namespace {

constexpr std::uint8_t kInvalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

constexpr std::array<std::uint8_t, 256> kTable = make_table();

}  // namespace

std::ptrdiff_t decode(std::string_view encoded, char* out) noexcept {
  std::size_t padding = 0;
  if (!encoded.empty() && encoded.back() == '=') {
    if (encoded.size() % 4 != 0) return -1;
    padding = (encoded.size() >= 2 && encoded[encoded.size() - 2] == '=') ? 2 : 1;
    encoded.remove_suffix(padding);
  }
  if (encoded.size() % 4 == 1) return -1;
  // Unpadded input may not end with padding-worth of characters that the padding would have
  // announced differently.
  if (padding != 0 && encoded.size() % 4 != 4 - padding) return -1;

  std::size_t written = 0;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : encoded) {
    const std::uint8_t value = kTable[static_cast<unsigned char>(c)];
    if (value == kInvalid) return -1;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero (canonical encoding), else "QQ==" and "QR==" would both decode.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return -1;
  return static_cast<std::ptrdiff_t>(written);
}

}  // namespace sluice::base64
