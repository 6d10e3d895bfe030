#include "stages/decode/decode_cursor.hpp"

#include "stages/decode/json_text.hpp"

#include <sluice/core/padded_buffer.hpp>

#include <fmt/format.h>

namespace sluice::decode {
namespace {

static_assert(kInputPadding >= simdjson::SIMDJSON_PADDING, "PaddedBuffer must leave the slack simdjson reads");

// Client-facing names of simdjson's errors: short and about the input, not the library.
std::string_view describe(simdjson::error_code error) {
  switch (error) {
    case simdjson::TAPE_ERROR: return "unexpected structure (a missing or extra comma, colon, brace or bracket)";
    // simdjson reports this when the last token is not the closing bracket of the outermost
    // value, which is either a truncated document or one with something after its end.
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT: return "truncated input, or content after the end of the JSON value";
    case simdjson::UNCLOSED_STRING: return "unterminated string";
    case simdjson::UTF8_ERROR: return "invalid UTF-8";
    case simdjson::UNESCAPED_CHARS: return "unescaped control character in a string";
    case simdjson::STRING_ERROR: return "invalid string escape or unpaired surrogate";
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE: return "invalid number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR: return "invalid literal (expected true, false or null)";
    case simdjson::EMPTY: return "no JSON value";
    case simdjson::DEPTH_ERROR: return "nesting too deep";
    case simdjson::INCORRECT_TYPE: return "invalid JSON value";
    case simdjson::CAPACITY: return "document too large";
    case simdjson::MEMALLOC: return "out of memory";
    default: return simdjson::error_message(error);
  }
}

}  // namespace

void Cursor::start_body(std::string_view body) noexcept {
  body_begin_ = body.data();
  body_end_ = body.data() + body.size();
  doc_ = nullptr;
  doc_end_ = nullptr;
  problem_.clear();
  malformed_ = false;
}

bool Cursor::in_body(std::string_view text) const noexcept {
  return text.data() >= body_begin_ && text.data() + text.size() <= body_end_;
}

bool Cursor::start_document(od::parser& parser, std::string_view text, od::document& doc) {
  doc_ = nullptr;
  malformed_ = false;
  const std::size_t capacity = static_cast<std::size_t>(body_end_ - text.data()) + kInputPadding;
  if (auto error = parser.iterate(text.data(), text.size(), capacity).get(doc)) {
    // Stage 1 rejects the whole document without a position: find it for the client.
    std::size_t found = std::string_view::npos;
    if (error == simdjson::UTF8_ERROR) found = json_text::find_invalid_utf8(text);
    if (error == simdjson::UNESCAPED_CHARS) found = json_text::find_unescaped_control(text);
    if (error == simdjson::UNCLOSED_STRING) found = json_text::find_unclosed_string(text);
    return malformed(error, found == std::string_view::npos ? nullptr : text.data() + found);
  }
  doc_ = &doc;
  doc_end_ = text.data() + text.size();
  return true;
}

const char* Cursor::next_location() noexcept {
  const char* location = nullptr;
  if (doc_ == nullptr || doc_->current_location().get(location)) return nullptr;
  return location;
}

bool Cursor::fail(std::string reason) {
  problem_ = std::move(reason);
  return false;
}

bool Cursor::malformed(simdjson::error_code error, const char* at) {
  malformed_ = true;
  // The parser's position says nothing about where an unbalanced document went wrong.
  if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) return fail(fmt::format("malformed JSON: {}", describe(error)));
  if (at == nullptr) at = next_location();
  if (at != nullptr && at >= body_begin_ && at <= body_end_) {
    return fail(fmt::format("malformed JSON at byte {}: {}", offset(at), describe(error)));
  }
  return fail(fmt::format("malformed JSON: {}", describe(error)));
}

std::string printable(std::string_view text) {
  constexpr std::size_t kMax = 64;
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

}  // namespace sluice::decode
