#include "stages/filter/pattern/pattern_set.hpp"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

#include "stages/filter/filter_context.hpp"
#include "stages/filter/pattern/array_consistency.hpp"
#include "stages/filter/pattern/field_extractor.hpp"
#include "stages/filter/pattern/field_index.hpp"
#include "stages/filter/pattern/pattern_compiler.hpp"

namespace sluice::pattern {
namespace {

// One positive condition of a sub-rule, as the matcher evaluates it.
struct Condition {
  std::uint32_t field = kNone;
  std::vector<ValueMatcher> matchers;

  bool matches(const ValueRef& value) const {
    return std::any_of(matchers.begin(), matchers.end(), [&](const ValueMatcher& m) { return m.matches(value); });
  }
};

// One $or alternative of one rule: all positive conditions hold and the absent fields have no value.
struct SubRule {
  std::uint32_t rule = 0;  // dense rule index
  std::vector<Condition> positives;
  std::vector<std::uint32_t> absent_fields;
  std::uint32_t key = kNone;  // index into positives of the indexed condition
  bool uses_data = false;     // some condition looks inside an Event's data
  std::vector<std::uint32_t> data_fields;  // the fields inside data it tests (positive or absent)
};

// Per-thread matcher state, reused across events and shared by all PatternSets of the thread.
// Stamps avoid clearing per-sub-rule arrays on every event.
struct MatchScratch {
  Extraction extraction;
  DerivedForms forms;
  std::vector<std::uint32_t> candidate_stamp;
  std::vector<std::uint32_t> rule_stamp;
  std::vector<std::uint32_t> candidates;
  std::vector<ContextHit> hits;
  ArrayConsistency consistency;
  NodeSelection data_selection;
  std::uint32_t epoch = 0;

  void begin(std::size_t sub_rules, std::size_t rules, std::size_t fields) {
    if (candidate_stamp.size() < sub_rules) candidate_stamp.resize(sub_rules, 0);
    if (rule_stamp.size() < rules) rule_stamp.resize(rules, 0);
    if (++epoch == 0) {
      std::fill(candidate_stamp.begin(), candidate_stamp.end(), 0);
      std::fill(rule_stamp.begin(), rule_stamp.end(), 0);
      epoch = 1;
    }
    candidates.clear();
    extraction.reset(fields);
    forms.reset();
  }
};

thread_local MatchScratch tls_scratch;

// An event matches a handful of routes: insertion sort, inlined, costs less than std::sort's
// set-up for those; std::sort keeps many matches (thousands of routes) n log n.
void sort_rule_ids(std::vector<std::uint32_t>& ids) {
  if (ids.size() > 16) {
    std::sort(ids.begin(), ids.end());
    return;
  }
  for (std::size_t i = 1; i < ids.size(); ++i) {
    const std::uint32_t id = ids[i];
    std::size_t j = i;
    for (; j > 0 && ids[j - 1] > id; --j) ids[j] = ids[j - 1];
    ids[j] = id;
  }
}

simdjson::padded_string_view padded_view(std::string_view json, Padding padding, std::string& scratch) {
  if (padding == Padding::present) {
    return simdjson::padded_string_view(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING);
  }
  scratch.assign(json);
  scratch.append(simdjson::SIMDJSON_PADDING, ' ');
  return simdjson::padded_string_view(scratch.data(), json.size(), scratch.size());
}

// Estimated candidates per event when a matcher is a sub-rule's key, given how many sub-rules
// share the identical matcher on the same field (`sharing`). Hashed kinds cost about what they
// emit; scanned kinds cost a test per value whatever they emit, and anything-but and exists emit
// nearly always.
std::uint64_t key_cost(MatchKind kind, std::uint64_t sharing) {
  switch (kind) {
    case MatchKind::exact_string:
    case MatchKind::exact_number:
    case MatchKind::equals_ignore_case:
      return sharing;
    case MatchKind::exact_true:
    case MatchKind::exact_false:
    case MatchKind::exact_null:
    case MatchKind::prefix:
    case MatchKind::suffix:
    case MatchKind::prefix_ignore_case:
    case MatchKind::suffix_ignore_case:
    case MatchKind::cidr:
      return 2 * sharing;
    case MatchKind::exists:
      return 16 * sharing;
    case MatchKind::numeric_range:
    case MatchKind::wildcard:
      return 32 + sharing;
    default:  // anything-but
      return 64 + sharing;
  }
}

// Identifies "the same matcher on the same field" for key_cost's sharing count.
std::string matcher_identity(std::uint32_t field, const ValueMatcher& matcher) {
  std::string id(reinterpret_cast<const char*>(&field), sizeof field);
  id.push_back(static_cast<char>(matcher.kind()));
  switch (matcher.kind()) {
    case MatchKind::exact_number: {
      const std::uint64_t key = number_key(matcher.number());
      id.append(reinterpret_cast<const char*>(&key), sizeof key);
      break;
    }
    case MatchKind::cidr: {
      const IpRange& range = matcher.cidr_range();
      std::array<char, 16> buffer;
      id.append(cidr_block_key(range.low, range.prefix_bits(), buffer));
      id.push_back(static_cast<char>(range.prefix_bits()));
      break;
    }
    default:
      id.append(matcher.text());
      break;
  }
  return id;
}

// Added to the key cost of a condition inside an Event's data: a sub-rule keyed there makes every
// event read its data, while one keyed on an attribute reads it only for its candidates.
constexpr std::uint64_t kDataKeyPenalty = 16;

}  // namespace

struct PatternSet::Impl {
  // Built by add().
  PathTrie trie;
  std::uint32_t field_count = 0;
  std::vector<SubRule> sub_rules;
  std::vector<std::uint32_t> rule_ids;  // dense index -> caller's id
  std::unordered_map<std::uint32_t, std::uint32_t> dense_rule;
  std::vector<bool> field_in_data;  // field id -> its path starts at an Event's "data"
  std::vector<std::vector<std::uint32_t>> data_field_path;  // field id -> trie nodes from "data" to it
  EventFields event_fields;

  // Built on first match after the last add() (keys are chosen knowing every rule).
  std::atomic<bool> indexed{false};
  std::mutex index_mutex;
  std::vector<std::uint32_t> always_candidates;  // sub-rules with only {"exists": false}
  std::vector<std::unique_ptr<FieldIndex>> field_index;
  std::vector<std::uint32_t> exists_fields;  // fields with sub-rules keyed on exists:true
  bool data_keyed = false;  // some candidate can come from data alone: data must always be read
  // Data fields every event must extract: those of sub-rules that data alone can make candidates
  // (keyed inside data, or always candidates). Other data fields are read only for the
  // candidates an event's attributes produced.
  std::vector<std::uint32_t> always_data_fields;

  void add(std::uint32_t rule_id, std::string_view pattern_json);
  void ensure_index();
  void build_index();
  void collect_candidates(MatchScratch& scratch, std::uint32_t first_value) const;
  void finish(MatchScratch& scratch, std::vector<std::uint32_t>& matched) const;
  void select_data_fields(MatchScratch& scratch) const;
  bool evaluate(const SubRule& sub_rule, MatchScratch& scratch) const;
};

void PatternSet::Impl::add(std::uint32_t rule_id, std::string_view pattern_json) {
  // Compile first: everything after this cannot fail (short of bad_alloc), so an invalid pattern
  // leaves the set as it was.
  std::vector<Conjunction> alternatives = compile_pattern(pattern_json);

  const auto [entry, inserted] = dense_rule.try_emplace(rule_id, static_cast<std::uint32_t>(rule_ids.size()));
  if (inserted) rule_ids.push_back(rule_id);
  for (Conjunction& conjunction : alternatives) {
    SubRule sub_rule;
    sub_rule.rule = entry->second;
    for (FieldCondition& condition : conjunction) {
      const std::uint32_t field = trie.add_path(condition.path, field_count);
      const bool in_data = condition.path.front() == "data";
      field_in_data.resize(field_count, false);
      field_in_data[field] = in_data;
      data_field_path.resize(field_count);
      if (in_data && data_field_path[field].empty()) {
        std::uint32_t node = PathTrie::kRoot;
        for (const std::string& name : condition.path) {
          node = trie.find_child(node, name);
          data_field_path[field].push_back(node);
        }
      }
      if (in_data) sub_rule.data_fields.push_back(field);
      sub_rule.uses_data = sub_rule.uses_data || in_data;
      if (condition.absent) {
        sub_rule.absent_fields.push_back(field);
      } else {
        sub_rule.positives.push_back(Condition{field, std::move(condition.matchers)});
      }
    }
    sub_rules.push_back(std::move(sub_rule));
  }
  for (std::size_t i = 0; i < std::size(EventFields::kNames); ++i) {
    const std::uint32_t node = trie.find_child(PathTrie::kRoot, EventFields::kNames[i]);
    event_fields.attributes[i] = node == kNone ? kNone : trie.field(node);
  }
  event_fields.data_node = trie.find_child(PathTrie::kRoot, "data");
  indexed.store(false, std::memory_order_release);
}

void PatternSet::Impl::ensure_index() {
  if (indexed.load(std::memory_order_acquire)) return;
  const std::lock_guard lock(index_mutex);
  if (indexed.load(std::memory_order_relaxed)) return;
  build_index();
  indexed.store(true, std::memory_order_release);
}

void PatternSet::Impl::build_index() {
  always_candidates.clear();
  field_index.clear();
  field_index.resize(field_count);
  exists_fields.clear();
  data_keyed = false;
  always_data_fields.clear();
  std::vector<bool> always_data(field_count, false);
  const auto read_always = [&](const SubRule& sub_rule) {
    for (const std::uint32_t field : sub_rule.data_fields) {
      if (!always_data[field]) always_data_fields.push_back(field);
      always_data[field] = true;
    }
  };

  std::unordered_map<std::string, std::uint32_t> sharing;
  for (const SubRule& sub_rule : sub_rules) {
    for (const Condition& condition : sub_rule.positives) {
      for (const ValueMatcher& matcher : condition.matchers) ++sharing[matcher_identity(condition.field, matcher)];
    }
  }

  for (std::uint32_t id = 0; id < sub_rules.size(); ++id) {
    SubRule& sub_rule = sub_rules[id];
    if (sub_rule.positives.empty()) {
      always_candidates.push_back(id);
      data_keyed = data_keyed || sub_rule.uses_data;
      read_always(sub_rule);
      continue;
    }
    // Key: the condition expected to emit the fewest candidates, e.g. the exact subject of a
    // route, or its rare data prefix rather than a subject that a thousand routes share.
    std::uint64_t best_cost = ~std::uint64_t{0};
    for (std::uint32_t i = 0; i < sub_rule.positives.size(); ++i) {
      const Condition& condition = sub_rule.positives[i];
      std::uint64_t cost = 0;
      for (const ValueMatcher& matcher : condition.matchers) {
        cost += key_cost(matcher.kind(), sharing[matcher_identity(condition.field, matcher)]);
      }
      if (field_in_data[condition.field]) cost += kDataKeyPenalty;
      if (cost < best_cost) {
        best_cost = cost;
        sub_rule.key = i;
      }
    }
    const Condition& key = sub_rule.positives[sub_rule.key];
    auto& index = field_index[key.field];
    if (!index) index = std::make_unique<FieldIndex>();
    const bool had_exists = !index->exists().empty();
    for (const ValueMatcher& matcher : key.matchers) index->add(matcher, id);
    if (!had_exists && !index->exists().empty()) exists_fields.push_back(key.field);
    // A sub-rule keyed inside data can only be found by reading data, and then needs all of its
    // data fields.
    if (field_in_data[key.field]) {
      data_keyed = true;
      read_always(sub_rule);
    }
  }
}

void PatternSet::Impl::select_data_fields(MatchScratch& scratch) const {
  NodeSelection& selection = scratch.data_selection;
  selection.begin(trie.node_count(), event_fields.data_node);
  for (const std::uint32_t field : always_data_fields) selection.select(data_field_path[field]);
  for (const std::uint32_t candidate : scratch.candidates) {
    for (const std::uint32_t field : sub_rules[candidate].data_fields) selection.select(data_field_path[field]);
  }
}

void PatternSet::Impl::collect_candidates(MatchScratch& scratch, std::uint32_t first_value) const {
  const Extraction& extraction = scratch.extraction;
  const auto emit = [&scratch](std::uint32_t sub_rule) {
    if (scratch.candidate_stamp[sub_rule] == scratch.epoch) return;
    scratch.candidate_stamp[sub_rule] = scratch.epoch;
    scratch.candidates.push_back(sub_rule);
  };
  for (auto v = first_value; v < extraction.values.size(); ++v) {
    const FieldValue& value = extraction.values[v];
    if (const FieldIndex* index = field_index[value.field].get()) index->lookup(ValueRef{value, v, scratch.forms}, emit);
  }
}

void PatternSet::Impl::finish(MatchScratch& scratch, std::vector<std::uint32_t>& matched) const {
  const Extraction& extraction = scratch.extraction;
  for (const std::uint32_t sub_rule : always_candidates) {
    if (scratch.candidate_stamp[sub_rule] == scratch.epoch) continue;
    scratch.candidate_stamp[sub_rule] = scratch.epoch;
    scratch.candidates.push_back(sub_rule);
  }
  for (const std::uint32_t field : exists_fields) {
    if (extraction.field_head[field] == kNone) continue;
    for (const std::uint32_t sub_rule : field_index[field]->exists()) {
      if (scratch.candidate_stamp[sub_rule] == scratch.epoch) continue;
      scratch.candidate_stamp[sub_rule] = scratch.epoch;
      scratch.candidates.push_back(sub_rule);
    }
  }
  for (const std::uint32_t candidate : scratch.candidates) {
    const SubRule& sub_rule = sub_rules[candidate];
    if (scratch.rule_stamp[sub_rule.rule] == scratch.epoch) continue;  // an earlier $or branch matched
    if (evaluate(sub_rule, scratch)) {
      scratch.rule_stamp[sub_rule.rule] = scratch.epoch;
      matched.push_back(rule_ids[sub_rule.rule]);
    }
  }
  sort_rule_ids(matched);
}

bool PatternSet::Impl::evaluate(const SubRule& sub_rule, MatchScratch& scratch) const {
  const Extraction& extraction = scratch.extraction;
  const bool nested = extraction.nested();
  std::uint64_t root_satisfied = 0;
  scratch.hits.clear();
  for (std::uint32_t i = 0; i < sub_rule.positives.size(); ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    // Being a candidate proves the key holds; without arrays nothing more is needed of it.
    if (i == sub_rule.key && !nested) {
      root_satisfied |= bit;
      continue;
    }
    const Condition& condition = sub_rule.positives[i];
    bool any = false;
    for (std::uint32_t v = extraction.field_head[condition.field]; v != kNone;
         v = extraction.values[v].next_in_field) {
      const FieldValue& value = extraction.values[v];
      if (!condition.matches(ValueRef{value, v, scratch.forms})) continue;
      any = true;
      if (value.context == 0) {
        root_satisfied |= bit;
        if (!nested) break;
      } else {
        scratch.hits.push_back(ContextHit{value.context, bit, 0});
      }
    }
    if (!any) return false;
  }
  for (std::size_t j = 0; j < sub_rule.absent_fields.size(); ++j) {
    const std::uint64_t bit = std::uint64_t{1} << j;
    for (std::uint32_t v = extraction.field_head[sub_rule.absent_fields[j]]; v != kNone;
         v = extraction.values[v].next_in_field) {
      const FieldValue& value = extraction.values[v];
      if (value.context == 0) return false;  // present and compatible with any choice
      scratch.hits.push_back(ContextHit{value.context, 0, bit});
    }
  }
  const std::size_t count = sub_rule.positives.size();
  const std::uint64_t all = count == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
  if (scratch.hits.empty()) return root_satisfied == all;
  return scratch.consistency.satisfiable(extraction.contexts, scratch.hits, root_satisfied, all);
}

PatternSet::PatternSet() : impl_(std::make_unique<Impl>()) {}
PatternSet::~PatternSet() = default;
PatternSet::PatternSet(PatternSet&&) noexcept = default;
PatternSet& PatternSet::operator=(PatternSet&&) noexcept = default;

void PatternSet::add(std::uint32_t rule_id, std::string_view pattern_json) { impl_->add(rule_id, pattern_json); }

std::size_t PatternSet::rule_count() const { return impl_->rule_ids.size(); }

bool PatternSet::match_json(std::string_view json, Padding padding, FilterContext& context,
                            std::vector<std::uint32_t>& matched) const {
  matched.clear();
  Impl& impl = *impl_;
  impl.ensure_index();
  MatchScratch& scratch = tls_scratch;
  scratch.begin(impl.sub_rules.size(), impl.rule_ids.size(), impl.field_count);
  simdjson::ondemand::document document;
  if (context.data_parser.iterate(padded_view(json, padding, context.scratch)).get(document) != simdjson::SUCCESS) {
    return false;
  }
  if (FieldExtractor(impl.trie).extract_object_document(document, scratch.extraction) != simdjson::SUCCESS) {
    return false;
  }
  impl.collect_candidates(scratch, 0);
  impl.finish(scratch, matched);
  return true;
}

bool PatternSet::match_event(const Event& event, Padding data_padding, FilterContext& context,
                             std::vector<std::uint32_t>& matched) const {
  matched.clear();
  Impl& impl = *impl_;
  impl.ensure_index();
  MatchScratch& scratch = tls_scratch;
  scratch.begin(impl.sub_rules.size(), impl.rule_ids.size(), impl.field_count);
  const FieldExtractor extractor(impl.trie);
  extractor.extract_attributes(event, impl.event_fields, scratch.extraction);
  impl.collect_candidates(scratch, 0);

  // Data is read only when a pattern could need it for this event: a route keyed inside data,
  // or a candidate found on the attributes that also tests data. Routing on attributes alone
  // never pays for parsing the payload.
  const bool has_json_data = event.data_kind == DataKind::json && !event.data.empty();
  if (impl.event_fields.data_node != kNone && has_json_data) {
    bool needed = impl.data_keyed;
    for (std::size_t i = 0; !needed && i < scratch.candidates.size(); ++i) {
      needed = impl.sub_rules[scratch.candidates[i]].uses_data;
    }
    if (needed) {
      const auto first_data_value = static_cast<std::uint32_t>(scratch.extraction.values.size());
      simdjson::ondemand::document document;
      if (context.data_parser.iterate(padded_view(event.data, data_padding, context.scratch)).get(document) !=
          simdjson::SUCCESS) {
        return false;
      }
      // Only the data fields that this event's candidates (and data-keyed patterns) test.
      impl.select_data_fields(scratch);
      const FieldExtractor data_extractor(impl.trie, &scratch.data_selection);
      if (data_extractor.extract_document_at(document, impl.event_fields.data_node, scratch.extraction) !=
          simdjson::SUCCESS) {
        return false;
      }
      impl.collect_candidates(scratch, first_data_value);
    }
  }
  impl.finish(scratch, matched);
  return true;
}

void validate_pattern(std::string_view pattern_json) { static_cast<void>(compile_pattern(pattern_json)); }

}  // namespace sluice::pattern
