#include "sinks/encoding/structured_json.hpp"

#include "sinks/encoding/json_text.hpp"

#include <cassert>
#include <cstring>

namespace sluice::encoding {
namespace {

// How the event's data is written, decided once for both passes below.
enum class DataForm { none, json_as_is, json_string, base64 };

DataForm data_form(const Event& event) {
  switch (event.data_kind) {
    case DataKind::none: return DataForm::none;
    case DataKind::json: return DataForm::json_as_is;  // validated when it was decoded
    case DataKind::binary: break;
  }
  const std::string_view content_type = event.datacontenttype;
  if (!content_type.empty() && is_json_media_type(content_type) && is_valid_json(event.data)) {
    return DataForm::json_as_is;
  }
  if (!content_type.empty() && is_text_media_type(content_type) && is_valid_utf8(event.data)) {
    return DataForm::json_string;
  }
  return DataForm::base64;
}

// The rendering is laid out once, in render(), and run twice: over a Measure to size the output
// exactly, then over a Write into it. An event then costs one resize of the caller's string (no
// allocation once it has grown) and a memcpy per piece, instead of a std::string append per piece.
// The Write is told which strings the Measure found free of escapes (nearly all are) and copies
// those without looking at them again.
constexpr std::size_t kRemembered = 32;  // strings per event whose escape-freedom is remembered

struct Measure {
  std::size_t size = 0;
  std::size_t strings = 0;
  bool plain[kRemembered] = {};  // string i needs no escaping

  template <std::size_t N>
  void literal(const char (&)[N]) noexcept {
    size += N - 1;
  }
  void verbatim(std::string_view text) noexcept { size += text.size(); }
  void string(std::string_view text) noexcept {
    const std::size_t quoted = json_string_size(text);
    if (strings < kRemembered) plain[strings] = quoted == text.size() + 2;
    ++strings;
    size += quoted;
  }
  void base64(std::string_view bytes) noexcept { size += base64_size(bytes.size()); }
};

struct Write {
  char* next;
  const Measure& measured;
  std::size_t strings = 0;

  template <std::size_t N>
  void literal(const char (&text)[N]) noexcept {
    std::memcpy(next, text, N - 1);
    next += N - 1;
  }
  void verbatim(std::string_view text) noexcept {
    if (text.empty()) return;  // an empty view's data() may be null
    std::memcpy(next, text.data(), text.size());
    next += text.size();
  }
  void string(std::string_view text) noexcept {
    const bool plain = strings < kRemembered && measured.plain[strings];
    ++strings;
    if (!plain) {
      next = write_json_string(next, text);
      return;
    }
    *next++ = '"';
    verbatim(text);
    *next++ = '"';
  }
  void base64(std::string_view bytes) noexcept { next = write_base64(next, bytes); }
};

// Attribute names need no escaping: each is a literal with its punctuation.
template <typename Output>
void render(Output& out, const Event& event, DataForm form) {
  out.literal("{\"specversion\":");
  out.string(event.specversion.empty() ? std::string_view("1.0") : event.specversion);
  out.literal(",\"id\":");
  out.string(event.id);
  out.literal(",\"source\":");
  out.string(event.source);
  out.literal(",\"type\":");
  out.string(event.type);
  if (!event.datacontenttype.empty()) {
    out.literal(",\"datacontenttype\":");
    out.string(event.datacontenttype);
  }
  if (!event.dataschema.empty()) {
    out.literal(",\"dataschema\":");
    out.string(event.dataschema);
  }
  if (!event.subject.empty()) {
    out.literal(",\"subject\":");
    out.string(event.subject);
  }
  if (!event.time.empty()) {
    out.literal(",\"time\":");
    out.string(event.time);
  }
  for (const Extension& extension : event.extensions) {
    out.literal(",");
    out.string(extension.name);
    out.literal(":");
    if (extension.type == Extension::Type::string) {
      out.string(extension.value);
    } else {
      out.verbatim(extension.value);  // integer and boolean values are their JSON token text already
    }
  }
  switch (form) {
    case DataForm::none: break;
    case DataForm::json_as_is:
      out.literal(",\"data\":");
      out.verbatim(event.data);
      break;
    case DataForm::json_string:
      out.literal(",\"data\":");
      out.string(event.data);
      break;
    case DataForm::base64:
      out.literal(",\"data_base64\":\"");
      out.base64(event.data);
      out.literal("\"");
      break;
  }
  out.literal("}");
}

}  // namespace

void append_structured_json(std::string& out, const Event& event) {
  const DataForm form = data_form(event);
  Measure measure;
  render(measure, event, form);
  const std::size_t start = out.size();
  out.resize(start + measure.size);
  Write write{out.data() + start, measure};
  render(write, event, form);
  assert(write.next == out.data() + out.size());
}

std::string_view structured_json(const Event& event, std::string& scratch) {
  if (!event.structured_json.empty()) return event.structured_json;
  scratch.clear();
  append_structured_json(scratch, event);
  return scratch;
}

}  // namespace sluice::encoding
