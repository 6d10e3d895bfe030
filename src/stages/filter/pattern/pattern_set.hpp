#pragma once
// EventBridge-style event patterns (`match:`), all routes compiled into one matcher.
//
// Semantics follow aws/event-ruler (see ../shared/conformance/event-ruler/README.md): exact
// values, prefix, suffix, equals-ignore-case (also inside prefix/suffix), wildcard, anything-but
// and its variants, numeric, cidr, exists, $or, and arrays with array consistency. An Event is
// matched as the JSON object {"id", "source", "specversion", "type", "datacontenttype",
// "dataschema", "subject", "time", <extensions>, "data": <data JSON>}.
//
// Cost per event: one On Demand pass over the parts of the event some pattern names (`data` only
// when a candidate route needs it), an index lookup per extracted value (hash probe; radix-tree
// walk for prefixes and suffixes), then a full check of only the candidate patterns. It does not
// grow with the number of routes that cannot match. See README.md in this folder for the
// semantics chosen where the references are silent.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <sluice/core/event.hpp>

namespace sluice {
struct FilterContext;
}

namespace sluice::pattern {

// Whether SIMDJSON_PADDING (64) readable bytes follow the JSON text. Text inside an IngressBatch's
// PaddedBuffer has them (structured `data` slices and binary-mode bodies), so the pipeline passes
// `present` and nothing is copied. Text in the batch Arena (decoded base64, unescaped strings) or in
// a plain std::string has no such guarantee: pass `absent` and it is first copied into
// FilterContext::scratch with padding.
enum class Padding : std::uint8_t { present, absent };

class PatternSet {
 public:
  PatternSet();
  ~PatternSet();
  PatternSet(PatternSet&&) noexcept;
  PatternSet& operator=(PatternSet&&) noexcept;

  // Builder phase, single-threaded. Adding several patterns under one rule_id ORs them.
  // Throws std::invalid_argument("pattern: <problem> at <location>") and leaves the set unchanged.
  void add(std::uint32_t rule_id, std::string_view pattern_json);

  // Matching: const and thread-safe once building is done; each thread brings its own
  // FilterContext (per-thread matcher scratch lives in a thread_local, so a thread must not
  // re-enter match from inside itself). The first match after add() builds the index (under a
  // mutex; later matches take no lock). `matched` is cleared, then receives the matched rule ids
  // in ascending order. Returns false (and nothing matched) when the JSON is malformed. No
  // exceptions on this path except std::bad_alloc.
  bool match_json(std::string_view json, Padding padding, FilterContext& context,
                  std::vector<std::uint32_t>& matched) const;
  // `data_padding` describes event.data. Binary data is not JSON and so has no fields: patterns on
  // "data" see it as absent.
  bool match_event(const Event& event, Padding data_padding, FilterContext& context,
                   std::vector<std::uint32_t>& matched) const;

  std::size_t rule_count() const;
  bool empty() const { return rule_count() == 0; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Compiles `pattern_json` only to check it; throws like PatternSet::add.
void validate_pattern(std::string_view pattern_json);

}  // namespace sluice::pattern
