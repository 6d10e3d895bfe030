#pragma once
// Per-field lookup from an event value to the alternatives ("sub-rules") it may satisfy.
//
// Each sub-rule indexes one of its conditions, its key: exact values in hash maps, prefixes and
// suffixes in one hash map per distinct length, equals-ignore-case by folded text. Operators
// that cannot be hashed (numeric, cidr, wildcard, anything-but) are scanned. A hit only makes the
// sub-rule a candidate; PatternSet then checks all of its conditions.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stages/filter/pattern/path_trie.hpp"
#include "stages/filter/pattern/value_matcher.hpp"

namespace sluice::pattern {

// How cheaply a matcher kind can be looked up; the key condition of a sub-rule minimises it.
int index_cost(MatchKind kind);

class FieldIndex {
 public:
  void add(const ValueMatcher& matcher, std::uint32_t sub_rule);

  // Calls emit(sub_rule) for every sub-rule whose key may hold for `value` (possibly twice).
  // `fold_buffer` is scratch for case folding.
  template <typename Emit>
  void lookup(const FieldValue& value, std::string& fold_buffer, Emit&& emit) const;

  // Sub-rules keyed on {"exists": true}: candidates whenever the field has any value.
  const std::vector<std::uint32_t>& exists() const { return exists_; }

 private:
  using List = std::vector<std::uint32_t>;
  using StringMap = std::unordered_map<std::string, List, StringHash, std::equal_to<>>;
  // Prefixes (or suffixes) grouped by length: one hash probe per distinct length.
  using AffixTable = std::vector<std::pair<std::size_t, StringMap>>;

  static void add_affix(AffixTable& table, const std::string& text, std::uint32_t sub_rule);
  template <typename Emit>
  static void lookup_affix(const AffixTable& table, std::string_view text, bool prefix, Emit& emit);
  template <typename Emit>
  static void emit_all(const List& list, Emit& emit) {
    for (const std::uint32_t sub_rule : list) emit(sub_rule);
  }

  StringMap exact_;
  std::unordered_map<std::uint64_t, List> numbers_;
  List true_, false_, null_, exists_;
  StringMap ignore_case_;
  AffixTable prefix_, suffix_, prefix_ignore_case_, suffix_ignore_case_;
  std::vector<std::pair<IpAddress, List>> ips_;  // exact values that are IP literals, rare
  std::vector<std::pair<ValueMatcher, std::uint32_t>> scan_;
  bool needs_folded_ = false;
};

}  // namespace sluice::pattern

#include "stages/filter/pattern/field_index_inl.hpp"
