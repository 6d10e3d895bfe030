#include "stages/filter/pattern/case_fold.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace sluice::pattern {
namespace {

struct FoldPair {
  std::uint32_t from;
  std::uint32_t to;
};

// Regenerate case_fold_table.inc with:
//   for cp in range(0x80, 0x110000) (skipping surrogates): f = chr(cp).casefold();
//   emit (cp, ord(f)) if len(f) == 1 and f != chr(cp), else (cp, ord(chr(cp).lower())) if that is one
//   different code point. This is CaseFolding.txt's simple folding without a data file at build time.
constexpr FoldPair kFoldTable[] = {
#include "stages/filter/pattern/case_fold_table.inc"
};

std::uint32_t fold_code_point(std::uint32_t cp) {
  const auto* found = std::lower_bound(std::begin(kFoldTable), std::end(kFoldTable), cp,
                                       [](const FoldPair& pair, std::uint32_t key) { return pair.from < key; });
  if (found != std::end(kFoldTable) && found->from == cp) return found->to;
  return cp;
}

// Decodes one UTF-8 sequence at `text[i]`. Returns its length, or 0 when it is not valid UTF-8.
std::size_t decode_utf8(std::string_view text, std::size_t i, std::uint32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (byte(k) & 0x3Fu);
  }
  // Overlong forms and surrogates are left alone rather than normalised.
  if ((length == 3 && cp < 0x800) || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return length;
}

void encode_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::string_view fold_case(std::string_view text, std::string& out) {
  out.clear();
  return fold_case_append(text, out);
}

std::string_view fold_case_append(std::string_view text, std::string& out) {
  const std::size_t start = out.size();
  // ASCII runs (the usual case) are lowered through raw pointers: writes through the string's
  // operator[] may alias its own data pointer and defeat the optimiser.
  out.resize(start + text.size());
  char* destination = out.data() + start;
  const char* source = text.data();
  std::size_t i = 0;
  // Eight ASCII bytes at a time: +0x20 on each byte in 'A'..'Z'. With every byte below 0x80 the
  // additions cannot carry into the next byte.
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, source + i, 8);
    if ((word & kHighs) != 0) break;
    const std::uint64_t at_least_a = word + kOnes * (0x80 - 'A');
    const std::uint64_t above_z = word + kOnes * (0x80 - 'Z' - 1);
    word |= ((at_least_a & ~above_z) & kHighs) >> 2;
    std::memcpy(destination + i, &word, 8);
  }
  for (; i < text.size(); ++i) {
    const char c = source[i];
    if (static_cast<unsigned char>(c) >= 0x80) break;
    destination[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  out.resize(start + i);
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : static_cast<char>(c));
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t length = decode_utf8(text, i, cp);
    if (length == 0) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    encode_utf8(fold_code_point(cp), out);
    i += length;
  }
  return std::string_view(out).substr(start);
}

std::string folded(std::string_view text) {
  std::string out;
  fold_case(text, out);
  return out;
}

}  // namespace sluice::pattern
