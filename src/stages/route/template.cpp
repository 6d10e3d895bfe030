#include "stages/route/template.hpp"

#include "stages/decode/attribute_rules.hpp"
#include "stages/route/data_fields.hpp"

#include <sluice/core/arena.hpp>
#include <sluice/core/event.hpp>

#include <fmt/format.h>

#include <array>
#include <cstring>

namespace sluice {
namespace {

constexpr std::string_view kAllowedFields =
    "id, source, specversion, type, datacontenttype, dataschema, subject, time, ext.<name>, data.<path>";

}  // namespace

Template::Segment Template::parse_field(std::string_view field, std::size_t column) {
  Segment segment;
  const auto bar = field.find('|');
  if (bar != std::string_view::npos) {
    segment.fallback = std::string(field.substr(bar + 1));
    field = field.substr(0, bar);
  }
  segment.spec = std::string(field);
  if (field.empty()) throw TemplateError(fmt::format("empty field '{{}}' at column {}", column));

  using attribute_rules::Member;
  if (field.starts_with("ext.")) {
    const std::string_view name = field.substr(4);
    if (!attribute_rules::is_valid_name(name)) {
      throw TemplateError(fmt::format("invalid extension name '{}' at column {} (lower-case letters and digits)",
                                      name, column));
    }
    segment.kind = Kind::extension;
    segment.text = std::string(name);
    return segment;
  }
  if (field.starts_with("data.") || field.starts_with("data[")) {
    const std::string_view path = field.substr(field[4] == '.' ? 5 : 4);
    DataFieldSet probe;
    try {
      probe.add(path);
    } catch (const std::invalid_argument& error) {
      throw TemplateError(fmt::format("{} at column {}", error.what(), column));
    }
    segment.kind = Kind::data;
    segment.text = std::string(path);
    return segment;
  }
  switch (attribute_rules::classify(field)) {
    case Member::id: segment.kind = Kind::id; return segment;
    case Member::source: segment.kind = Kind::source; return segment;
    case Member::specversion: segment.kind = Kind::specversion; return segment;
    case Member::type: segment.kind = Kind::type; return segment;
    case Member::datacontenttype: segment.kind = Kind::datacontenttype; return segment;
    case Member::dataschema: segment.kind = Kind::dataschema; return segment;
    case Member::subject: segment.kind = Kind::subject; return segment;
    case Member::time: segment.kind = Kind::time; return segment;
    default: break;
  }
  throw TemplateError(fmt::format("unknown field '{}' at column {} (allowed: {})", field, column, kAllowedFields));
}

Template Template::compile(std::string_view text) {
  Template compiled;
  compiled.text_ = std::string(text);
  std::string literal;
  auto flush_literal = [&] {
    if (literal.empty()) return;
    Segment segment;
    segment.text = std::move(literal);
    compiled.segments_.push_back(std::move(segment));
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal.push_back('{');
      ++i;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      literal.push_back('}');
      ++i;
    } else if (c == '{') {
      const auto close = text.find_first_of("{}", i + 1);
      if (close == std::string_view::npos || text[close] == '{') {
        throw TemplateError(fmt::format("unbalanced '{{' at column {}", i + 1));
      }
      flush_literal();
      Segment segment = parse_field(text.substr(i + 1, close - i - 1), i + 1);
      compiled.uses_data_ = compiled.uses_data_ || segment.kind == Kind::data;
      compiled.segments_.push_back(std::move(segment));
      i = close;
    } else if (c == '}') {
      throw TemplateError(fmt::format("unbalanced '}}' at column {} (write '}}}}' for a literal brace)", i + 1));
    } else {
      literal.push_back(c);
    }
  }
  flush_literal();
  return compiled;
}

void Template::bind(DataFieldSet& fields) {
  for (Segment& segment : segments_) {
    if (segment.kind == Kind::data) segment.data_id = fields.add(segment.text);
  }
  bound_ = true;
}

std::optional<std::string_view> Template::value_of(const Segment& segment, const Event& event,
                                                   DataFieldValues* data) const {
  auto present = [](std::string_view value) -> std::optional<std::string_view> {
    if (value.empty()) return std::nullopt;
    return value;
  };
  switch (segment.kind) {
    case Kind::literal: return std::string_view(segment.text);
    case Kind::id: return present(event.id);
    case Kind::source: return present(event.source);
    case Kind::specversion: return present(event.specversion);
    case Kind::type: return present(event.type);
    case Kind::datacontenttype: return present(event.datacontenttype);
    case Kind::dataschema: return present(event.dataschema);
    case Kind::subject: return present(event.subject);
    case Kind::time: return present(event.time);
    case Kind::extension: {
      const Extension* extension = event.extension(segment.text);
      if (extension == nullptr) return std::nullopt;
      return present(extension->value);
    }
    case Kind::data: {
      if (data == nullptr || !bound_) return std::nullopt;
      auto value = data->get(segment.data_id);
      if (!value || value->empty()) return std::nullopt;
      return value;
    }
  }
  return std::nullopt;
}

Template::Rendered Template::render(const Event& event, DataFieldValues* data, Arena& arena) const {
  Rendered rendered;
  if (segments_.empty()) return rendered;

  constexpr std::size_t kInline = 16;
  std::array<std::string_view, kInline> inline_parts;
  std::vector<std::string_view> more_parts;
  if (segments_.size() > kInline) more_parts.resize(segments_.size());
  std::string_view* parts = segments_.size() > kInline ? more_parts.data() : inline_parts.data();

  std::size_t total = 0;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const Segment& segment = segments_[i];
    std::optional<std::string_view> value = value_of(segment, event, data);
    if (!value) {
      if (!segment.fallback) {
        rendered.ok = false;
        rendered.missing = segment.spec;
        return rendered;
      }
      value = std::string_view(*segment.fallback);
    }
    parts[i] = *value;
    total += value->size();
  }
  // A lone field needs no copy: its value already lives as long as the batch. A lone literal or
  // fallback lives in this template, which outlives every batch.
  if (segments_.size() == 1) {
    rendered.value = parts[0];
    return rendered;
  }
  char* out = arena.allocate(total);
  std::size_t at = 0;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    if (!parts[i].empty()) std::memcpy(out + at, parts[i].data(), parts[i].size());
    at += parts[i].size();
  }
  rendered.value = std::string_view(out, total);
  return rendered;
}

}  // namespace sluice
