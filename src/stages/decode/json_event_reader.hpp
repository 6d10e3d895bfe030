#pragma once
// Internal to the decoder: one CloudEvent in the JSON event format (json-format.md), read from an
// On Demand document or array element into an Event of views. Not thread-safe; one per decoder.

#include "stages/decode/attribute_rules.hpp"
#include "stages/decode/cloud_event_decoder.hpp"
#include "stages/decode/decode_cursor.hpp"
#include "stages/decode/json_checker.hpp"

#include <sluice/core/arena.hpp>
#include <sluice/core/event.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sluice::decode {

class JsonEventReader {
 public:
  JsonEventReader(const DecodeOptions& options, Cursor& cursor)
      : options_(options), cursor_(cursor), checker_(cursor, options.max_depth) {}

  // The document is the event (structured mode, an NDJSON line); `what` names it in messages.
  bool read_document(od::document& doc, Event& event, Arena& arena, std::string_view what);
  // The event is an element of a batch array.
  bool read_element(od::value& value, Event& event, Arena& arena);

 private:
  // Where `data` went while the members were read; its final form depends on datacontenttype,
  // which may come after it.
  struct DataMember {
    bool present = false;    // a `data` member, null included (an explicit null payload)
    bool is_string = false;  // a JSON string: the content itself when datacontenttype is not JSON
    bool base64 = false;     // a `data_base64` member that is not null
  };
  enum class StringRead : std::uint8_t { ok, null, not_string, failed };

  bool read_members(od::object& object, Event& event, DataMember& data);
  bool read_context_attribute(attribute_rules::Member kind, od::value& value, Event& event);
  bool read_extension(std::string_view name, od::value& value, Event& event);
  bool read_data(od::value& value, Event& event, DataMember& data);
  bool skip_container(od::value& value, char first);
  bool read_base64(od::value& value, Event& event, DataMember& data);
  StringRead read_string(od::value& value, std::string_view& text);
  bool finish(Event& event, const DataMember& data);

  const DecodeOptions& options_;
  Cursor& cursor_;
  JsonChecker checker_;
  Arena* arena_ = nullptr;
  std::vector<std::string_view> extension_names_;  // reused across events
  std::string scratch_;
};

}  // namespace sluice::decode
