#include "sources/nats/wrap_template.hpp"

#include <sluice/core/padded_buffer.hpp>

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>

namespace sluice {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kDataPrefix = "data.";
constexpr std::string_view kSubject = "nats.subject";

[[noreturn]] void invalid(std::string message) { throw std::invalid_argument(std::move(message)); }

void append_pointer_token(std::string_view token, std::string& pointer) {
  pointer += '/';
  for (const char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
}

bool all_digits(std::string_view text) noexcept {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string_view trim_right(std::string_view text) noexcept {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

enum class FieldRead : unsigned char {
  found,
  absent,  // not there, or null, an object or an array: no scalar to render
  failed,  // an error while reading: the document may have been abandoned (see render)
};

// Reads one field for a template: strings unescaped, numbers and booleans as their JSON text.
FieldRead read_field(od::document& doc, const std::string& pointer, std::string& out) {
  od::value value;
  switch (doc.at_pointer(pointer).get(value)) {
    case simdjson::SUCCESS:
      break;
    case simdjson::NO_SUCH_FIELD:
    case simdjson::INDEX_OUT_OF_BOUNDS:
      return FieldRead::absent;
    default:
      return FieldRead::failed;
  }
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return FieldRead::failed;
  switch (type) {
    case od::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) return FieldRead::failed;
      // Copied at once: the next at_pointer() rewinds the document and reuses the string buffer.
      out.assign(text);
      return FieldRead::found;
    }
    case od::json_type::number:
    case od::json_type::boolean:
      out.assign(trim_right(value.raw_json_token()));
      return FieldRead::found;
    default:
      return FieldRead::absent;
  }
}

}  // namespace

std::string data_path_to_pointer(std::string_view path) {
  if (path.empty()) invalid("names no field (write {data.<field>})");
  std::string pointer;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    std::string_view segment = path.substr(start, dot == std::string_view::npos ? path.npos : dot - start);
    const std::size_t bracket = segment.find('[');
    const std::string_view name = segment.substr(0, bracket);
    if (name.empty()) invalid(fmt::format("field path '{}' has an empty segment", path));
    if (name.find(']') != std::string_view::npos) invalid(fmt::format("field path '{}' has an unbalanced ']'", path));
    append_pointer_token(name, pointer);
    if (bracket != std::string_view::npos) {
      std::string_view rest = segment.substr(bracket);
      while (!rest.empty()) {
        const std::size_t close = rest.find(']');
        if (rest.front() != '[' || close == std::string_view::npos || !all_digits(rest.substr(1, close - 1))) {
          invalid(fmt::format("field path '{}': an index must look like [0]", path));
        }
        append_pointer_token(rest.substr(1, close - 1), pointer);
        rest.remove_prefix(close + 1);
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
    if (start == path.size()) invalid(fmt::format("field path '{}' ends with '.'", path));
  }
  return pointer;
}

WrapTemplate::WrapTemplate(std::string_view text) : text_(text) {
  std::string literal;
  auto flush_literal = [&] {
    if (literal.empty()) return;
    segments_.push_back(Segment{Segment::Kind::literal, std::move(literal), {}, false});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      invalid(fmt::format("'{}': unbalanced '}}' at offset {} (write '}}}}' for a literal brace)", text, i));
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) invalid(fmt::format("'{}': '{{' at offset {} is never closed", text, i));
    std::string_view reference = text.substr(i + 1, close - i - 1);
    if (reference.find('{') != std::string_view::npos) {
      invalid(fmt::format("'{}': references cannot nest (offset {})", text, i));
    }
    Segment segment;
    if (const std::size_t bar = reference.find('|'); bar != std::string_view::npos) {
      segment.fallback.assign(reference.substr(bar + 1));
      segment.has_fallback = true;
      reference = reference.substr(0, bar);
    }
    if (reference == kSubject) {
      segment.kind = Segment::Kind::subject;
    } else if (reference.starts_with(kDataPrefix)) {
      segment.kind = Segment::Kind::field;
      try {
        segment.text = data_path_to_pointer(reference.substr(kDataPrefix.size()));
      } catch (const std::invalid_argument& error) {
        invalid(fmt::format("'{}': {{{}}}: {}", text, reference, error.what()));
      }
    } else {
      invalid(
          fmt::format("'{}': unknown reference {{{}}} (use {{data.<field>}} or {{nats.subject}})", text, reference));
    }
    flush_literal();
    segments_.push_back(std::move(segment));
    i = close;
  }
  flush_literal();
}

WrapRenderer::WrapRenderer(WrapTemplate type, WrapTemplate source)
    : type_(compile(std::move(type))), source_(compile(std::move(source))) {}

WrapRenderer::Compiled WrapRenderer::compile(WrapTemplate tmpl) {
  Compiled compiled{std::move(tmpl), {}};
  for (const WrapTemplate::Segment& segment : compiled.tmpl.segments()) {
    std::size_t index = 0;
    if (segment.kind == WrapTemplate::Segment::Kind::field) {
      const auto found = std::find(pointers_.begin(), pointers_.end(), segment.text);
      index = static_cast<std::size_t>(found - pointers_.begin());
      if (found == pointers_.end()) pointers_.push_back(segment.text);
    }
    compiled.fields.push_back(index);
  }
  return compiled;
}

void WrapRenderer::render(std::string_view payload, std::string_view subject, std::string& type,
                          std::string& source) const {
  std::vector<std::string> values(pointers_.size());
  std::vector<bool> present(pointers_.size(), false);
  if (!pointers_.empty()) {
    // One parser per thread (cnats delivery threads, fetch threads); it keeps its buffers.
    thread_local od::parser parser;
    od::document doc;
    const auto iterate = [&] {
      return parser.iterate(payload.data(), payload.size(), payload.size() + kInputPadding).get(doc) ==
             simdjson::SUCCESS;
    };
    bool usable = iterate();
    for (std::size_t i = 0; i < pointers_.size() && usable; ++i) {
      const FieldRead read = read_field(doc, pointers_[i], values[i]);
      present[i] = read == FieldRead::found;
      // After an error simdjson may have abandoned the document (dropped its parser), and the next
      // at_pointer() would rewind it through a null pointer: malformed payloads crashed here. Such
      // payloads are rare (the decoder refuses them later), so the next field starts afresh.
      if (read == FieldRead::failed) usable = iterate();
    }
  }
  type.clear();
  source.clear();
  render_one(type_, values, present, subject, type);
  render_one(source_, values, present, subject, source);
}

void WrapRenderer::render_one(const Compiled& compiled, const std::vector<std::string>& values,
                              const std::vector<bool>& present, std::string_view subject, std::string& out) {
  const auto& segments = compiled.tmpl.segments();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const WrapTemplate::Segment& segment = segments[i];
    switch (segment.kind) {
      case WrapTemplate::Segment::Kind::literal:
        out += segment.text;
        break;
      case WrapTemplate::Segment::Kind::subject:
        out += subject.empty() && segment.has_fallback ? std::string_view(segment.fallback) : subject;
        break;
      case WrapTemplate::Segment::Kind::field: {
        const std::size_t index = compiled.fields[i];
        if (present[index]) {
          out += values[index];
        } else if (segment.has_fallback) {
          out += segment.fallback;
        }
        break;
      }
    }
  }
}

}  // namespace sluice
