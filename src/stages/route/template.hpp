#pragma once
// Topic, key and routing-key templates: "vcenter.{subject}.{data.Vm.Name|unknown}".
//
// Syntax: literal text with fields in braces; `{{` and `}}` are literal braces. A field is a
// context attribute ({id} {source} {specversion} {type} {datacontenttype} {dataschema}
// {subject} {time}), an extension ({ext.name}) or a path into JSON data ({data.a.b},
// {data.items[0].id}, {data.items.0.id}), optionally followed by `|fallback` (literal text, may
// be empty) used when the field is missing. Data strings render unescaped; numbers and booleans as
// their JSON text; null, objects and arrays count as missing.
//
// Compiled once at start-up; render() is const and may run on many workers at once.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

struct Event;
class Arena;
class DataFieldSet;
class DataFieldValues;

class TemplateError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Template {
 public:
  Template() = default;  // the empty template: renders "" (a sink's default topic, no key)

  // Throws TemplateError with a message that names the problem and its column.
  static Template compile(std::string_view text);

  // Registers the template's data paths in `fields` (a router's set). Required before render()
  // when uses_data(); rebinding to another set is allowed.
  void bind(DataFieldSet& fields);

  struct Rendered {
    bool ok = true;
    std::string_view value;    // valid as long as the event's batch (body or arena)
    std::string_view missing;  // when !ok: the field that was missing, e.g. "data.Vm.Name"
  };

  // Renders for `event`. A template that is a single field returns a view of the value itself;
  // otherwise the text is assembled in `arena`. `data` may be null when !uses_data().
  Rendered render(const Event& event, DataFieldValues* data, Arena& arena) const;

  const std::string& text() const noexcept { return text_; }
  bool empty() const noexcept { return segments_.empty(); }
  bool uses_data() const noexcept { return uses_data_; }

 private:
  enum class Kind : std::uint8_t {
    literal,
    id,
    source,
    specversion,
    type,
    datacontenttype,
    dataschema,
    subject,
    time,
    extension,
    data,
  };
  struct Segment {
    Kind kind = Kind::literal;
    std::string text;  // literal text, extension name, or data path
    std::string spec;  // the field as written, for messages ("data.Vm.Name")
    std::optional<std::string> fallback;
    std::size_t data_id = 0;
  };
  static Segment parse_field(std::string_view field, std::size_t column);
  std::optional<std::string_view> value_of(const Segment& segment, const Event& event, DataFieldValues* data) const;

  std::string text_;
  std::vector<Segment> segments_;
  bool uses_data_ = false;
  bool bound_ = false;
};

}  // namespace sluice
