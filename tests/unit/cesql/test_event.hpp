#pragma once
// An Event that owns its strings, for tests. Event itself only views its batch's buffers.

#include <deque>
#include <string>
#include <string_view>

#include <sluice/core/event.hpp>

namespace sluice::cesql::testing {

class OwnedEvent {
 public:
  OwnedEvent() {
    set("specversion", "1.0");
    set("id", "test-id");
    set("source", "/test/source");
    set("type", "com.example.test");
  }
  OwnedEvent(const OwnedEvent&) = delete;
  OwnedEvent& operator=(const OwnedEvent&) = delete;

  // Sets a context attribute, or adds (replaces) an extension of the given type.
  OwnedEvent& set(std::string_view name, std::string_view value,
                  Extension::Type type = Extension::Type::string) {
    const std::string_view v = keep(value);
    if (name == "id") {
      event_.id = v;
    } else if (name == "source") {
      event_.source = v;
    } else if (name == "specversion") {
      event_.specversion = v;
    } else if (name == "type") {
      event_.type = v;
    } else if (name == "datacontenttype") {
      event_.datacontenttype = v;
    } else if (name == "dataschema") {
      event_.dataschema = v;
    } else if (name == "subject") {
      event_.subject = v;
    } else if (name == "time") {
      event_.time = v;
    } else {
      for (Extension& extension : event_.extensions) {
        if (extension.name == name) {
          extension.value = v;
          extension.type = type;
          return *this;
        }
      }
      event_.extensions.push_back(Extension{keep(name), v, type});
    }
    return *this;
  }
  OwnedEvent& set_int(std::string_view name, std::string_view token) {
    return set(name, token, Extension::Type::integer);
  }
  OwnedEvent& set_bool(std::string_view name, bool value) {
    return set(name, value ? "true" : "false", Extension::Type::boolean);
  }
  OwnedEvent& json_data(std::string_view json) {
    event_.data_kind = DataKind::json;
    event_.data = keep(json);
    return *this;
  }
  OwnedEvent& binary_data(std::string_view bytes) {
    event_.data_kind = DataKind::binary;
    event_.data = keep(bytes);
    return *this;
  }

  const Event& event() const noexcept { return event_; }
  operator const Event&() const noexcept { return event_; }  // NOLINT: tests pass it as an Event

 private:
  std::string_view keep(std::string_view text) { return storage_.emplace_back(text); }

  std::deque<std::string> storage_;  // deque: the strings never move, so views stay valid
  Event event_;
};

}  // namespace sluice::cesql::testing
