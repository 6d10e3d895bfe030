#pragma once
// The `wrap:` templates of a subscription: the `type` and `source` of the event synthesised around
// a plain JSON publication, e.g. type "aporeto.{data.identity}.{data.type}", source
// "nats://{nats.subject}".
//
// Syntax: literal text with references in braces. `{data.path.to.field}` (also `items[0]` or
// `items.0`) is a field of the payload, `{nats.subject}` the message's subject. `{ref|fallback}`
// renders `fallback` when the field is absent, null, an object or an array; without a fallback
// such a field renders as nothing. `{{` and `}}` are literal braces. Strings render unescaped,
// numbers and booleans as their JSON text.
//
// Compiled once at start-up; immutable afterwards, so any thread may render concurrently.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

class WrapTemplate {
 public:
  // Throws std::invalid_argument saying what is wrong with `text`.
  explicit WrapTemplate(std::string_view text);

  const std::string& text() const noexcept { return text_; }

  struct Segment {
    enum class Kind : unsigned char { literal, field, subject };
    Kind kind = Kind::literal;
    std::string text;      // literal: the text; field: its JSON pointer ("/a/b/0")
    std::string fallback;  // field and subject: rendered when the value is missing
    bool has_fallback = false;
  };
  const std::vector<Segment>& segments() const noexcept { return segments_; }

 private:
  std::string text_;
  std::vector<Segment> segments_;
};

// Converts a field path relative to `data` ("a.b[0].c", "a.b.0.c") to a JSON pointer
// ("/a/b/0/c"). Throws std::invalid_argument on an empty segment or unbalanced brackets.
std::string data_path_to_pointer(std::string_view path);

class WrapRenderer {
 public:
  WrapRenderer(WrapTemplate type, WrapTemplate source);

  // Renders both templates for one message. `payload` must stay readable for kInputPadding bytes
  // past its end (a PaddedBuffer's view): it is parsed in place, only when a template names a data
  // field, and once (again only after a lookup failed on malformed JSON).
  void render(std::string_view payload, std::string_view subject, std::string& type, std::string& source) const;

  const WrapTemplate& type_template() const noexcept { return type_.tmpl; }
  const WrapTemplate& source_template() const noexcept { return source_.tmpl; }

 private:
  struct Compiled {
    WrapTemplate tmpl;
    std::vector<std::size_t> fields;  // per segment: its index in pointers_ (field segments only)
  };
  Compiled compile(WrapTemplate tmpl);
  static void render_one(const Compiled& compiled, const std::vector<std::string>& values,
                         const std::vector<bool>& present, std::string_view subject, std::string& out);

  std::vector<std::string> pointers_;  // every data field either template names, once
  Compiled type_;
  Compiled source_;
};

}  // namespace sluice
