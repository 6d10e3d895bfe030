#include "sources/http/binary_attributes.hpp"

#include <sluice/core/batch.hpp>

#include <fmt/format.h>

#include <cctype>

namespace sluice {
namespace {

constexpr std::string_view kPrefix = "ce-";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_continuation(unsigned char c) noexcept { return (c & 0xC0) == 0x80; }

// RFC 3629 well-formedness (the table in its §4), which excludes overlong forms and surrogates.
bool valid_utf8(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < length) return false;
    if (p[1] < low || p[1] > high) return false;
    for (std::size_t i = 2; i < length; ++i) {
      if (!is_continuation(p[i])) return false;
    }
    p += length;
  }
  return true;
}

bool unquote(std::string_view raw, std::string& out) {
  // raw starts with '"'.
  out.clear();
  for (std::size_t i = 1; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\') {
      if (++i == raw.size()) return false;
      out += raw[i];
    } else if (c == '"') {
      return i + 1 == raw.size();  // nothing may follow the closing quote
    } else {
      out += c;
    }
  }
  return false;  // unterminated
}

bool iequals_prefix(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool decode_header_value(std::string_view raw, std::string& out) {
  std::string unquoted;
  if (!raw.empty() && raw.front() == '"') {
    if (!unquote(raw, unquoted)) return false;
    raw = unquoted;
  }
  out.clear();
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out += raw[i];
      continue;
    }
    if (i + 2 >= raw.size()) return false;  // '%' needs two hex digits after it
    const int high = hex_value(raw[i + 1]);
    const int low = hex_value(raw[i + 2]);
    if (high < 0 || low < 0) return false;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return valid_utf8(out);
}

void BinaryAttributes::clear() noexcept {
  storage_.clear();
  entries_.clear();
}

std::optional<std::string> BinaryAttributes::add_header(std::string_view name, std::string_view raw_value) {
  if (!iequals_prefix(name, kPrefix)) return std::nullopt;
  std::string lowered(name.substr(kPrefix.size()));
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lowered.empty()) return std::string("empty attribute name in header 'ce-'");
  if (lowered == "datacontenttype") {
    return std::string("header ce-datacontenttype is not allowed in binary mode: use Content-Type");
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (this->name(i) == lowered) return fmt::format("header ce-{} given more than once", lowered);
  }
  if (!decode_header_value(raw_value, scratch_)) {
    return fmt::format("header ce-{}: invalid percent-encoding or UTF-8", lowered);
  }
  add(lowered, scratch_);
  return std::nullopt;
}

void BinaryAttributes::set_content_type(std::string_view content_type) {
  if (!content_type.empty()) add("datacontenttype", content_type);
}

void BinaryAttributes::add(std::string_view name, std::string_view value) {
  Entry entry{storage_.size(), name.size(), storage_.size() + name.size(), value.size()};
  storage_.append(name);
  storage_.append(value);
  entries_.push_back(entry);
}

std::string_view BinaryAttributes::name(std::size_t i) const noexcept {
  return std::string_view(storage_).substr(entries_[i].name_offset, entries_[i].name_size);
}

std::string_view BinaryAttributes::value(std::size_t i) const noexcept {
  return std::string_view(storage_).substr(entries_[i].value_offset, entries_[i].value_size);
}

void BinaryAttributes::copy_into(IngressBatch& batch) const {
  batch.binary_attributes.reserve(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    batch.binary_attributes.emplace_back(batch.arena.copy(name(i)), batch.arena.copy(value(i)));
  }
}

}  // namespace sluice
