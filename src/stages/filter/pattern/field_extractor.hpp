#pragma once
// One pass over an event that collects the leaf values at the paths some pattern names.
//
// JSON is read with simdjson On Demand (error codes, no exceptions): objects are descended only
// along the PathTrie, everything else is skipped unparsed. Each value remembers which array
// elements it sits in (ArrayContext) so the matcher can enforce array consistency.

#include <simdjson.h>

#include <cstdint>
#include <vector>

#include <sluice/core/event.hpp>

#include "stages/filter/pattern/field_value.hpp"
#include "stages/filter/pattern/path_trie.hpp"

namespace sluice::pattern {

// The values of one event, reused across events by one thread.
struct Extraction {
  std::vector<FieldValue> values;
  std::vector<ArrayContext> contexts;     // [0] is the root
  std::vector<std::uint32_t> field_head;  // field id -> first value index, or kNone
  std::uint32_t next_array_id = 0;

  void reset(std::size_t field_count) {
    values.clear();
    contexts.assign(1, ArrayContext{});
    field_head.assign(field_count, kNone);
    next_array_id = 0;
  }
  void add(FieldValue value) {
    value.next_in_field = field_head[value.field];
    field_head[value.field] = static_cast<std::uint32_t>(values.size());
    values.push_back(value);
  }
  // True when some value sits inside an object or array that is an array element; only then can
  // array consistency reject a match.
  bool nested() const { return contexts.size() > 1; }
};

// Attribute field ids for Event views, resolved once per PatternSet from the trie.
struct EventFields {
  // id, source, specversion, type, datacontenttype, dataschema, subject, time
  std::uint32_t attributes[8] = {kNone, kNone, kNone, kNone, kNone, kNone, kNone, kNone};
  std::uint32_t data_node = kNone;  // trie node of "data"
  static constexpr std::string_view kNames[8] = {"id",   "source", "specversion", "type", "datacontenttype",
                                                 "dataschema", "subject", "time"};
};

class FieldExtractor {
 public:
  explicit FieldExtractor(const PathTrie& trie) : trie_(trie) {}

  // The document must be a JSON object. Returns an error for malformed JSON (On Demand validates
  // what it reads; skipped parts are checked only for structure).
  simdjson::error_code extract_object_document(simdjson::ondemand::document& document, Extraction& out) const;

  // Any JSON value (an event's `data`) placed at trie node `node`.
  simdjson::error_code extract_document_at(simdjson::ondemand::document& document, std::uint32_t node,
                                           Extraction& out) const;

  // The context attributes and extensions of `event` (not `data`).
  void extract_attributes(const Event& event, const EventFields& fields, Extraction& out) const;

 private:
  simdjson::error_code walk_value(simdjson::ondemand::value& value, std::uint32_t node, std::uint32_t context,
                                  Extraction& out) const;
  simdjson::error_code walk_object(simdjson::ondemand::object& object, std::uint32_t node, std::uint32_t context,
                                   Extraction& out) const;
  simdjson::error_code walk_array(simdjson::ondemand::array& array, std::uint32_t node, std::uint32_t context,
                                  Extraction& out) const;

  const PathTrie& trie_;
};

}  // namespace sluice::pattern
