#pragma once
// One pass over an event that collects the leaf values at the paths some pattern names.
//
// JSON is read with simdjson On Demand (error codes, no exceptions): objects are descended only
// along the PathTrie, everything else is skipped unparsed. Each value remembers which array
// elements it sits in (ArrayContext) so the matcher can enforce array consistency.

#include <simdjson.h>

#include <algorithm>
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

// The trie nodes below one walk's root that an event needs, when that is fewer than all of them:
// the paths of the fields its candidate patterns test. The walk then skips other fields and
// leaves an object as soon as its selected children have been seen. Stamped per event, so that
// nothing is cleared. Reused across events by one thread.
class NodeSelection {
 public:
  void begin(std::size_t node_count, std::uint32_t root) {
    if (stamp_.size() < node_count) {
      stamp_.resize(node_count, 0);
      children_.resize(node_count, 0);
    }
    if (++epoch_ == 0) {
      std::fill(stamp_.begin(), stamp_.end(), 0);
      epoch_ = 1;
    }
    stamp_[root] = epoch_;
    children_[root] = 0;
  }
  // `path` runs from the root given to begin() down to a field's node.
  void select(const std::vector<std::uint32_t>& path) {
    for (std::size_t i = 1; i < path.size(); ++i) {
      const std::uint32_t node = path[i];
      if (stamp_[node] == epoch_) continue;
      stamp_[node] = epoch_;
      children_[node] = 0;
      ++children_[path[i - 1]];
    }
  }
  bool selected(std::uint32_t node) const { return stamp_[node] == epoch_; }
  std::uint32_t selected_children(std::uint32_t node) const { return children_[node]; }

 private:
  std::vector<std::uint32_t> stamp_;
  std::vector<std::uint32_t> children_;  // valid for stamped nodes
  std::uint32_t epoch_ = 0;
};

class FieldExtractor {
 public:
  // Without a selection every path of the trie is read.
  explicit FieldExtractor(const PathTrie& trie, const NodeSelection* selection = nullptr)
      : trie_(trie), selection_(selection) {}

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

  // How many children of `node` the walk reads (0: none, skip an object here unread).
  std::size_t wanted_children(std::uint32_t node) const {
    return selection_ != nullptr ? selection_->selected_children(node) : trie_.child_count(node);
  }

  const PathTrie& trie_;
  const NodeSelection* selection_;
};

}  // namespace sluice::pattern
