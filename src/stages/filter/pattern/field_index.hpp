#pragma once
// Per-field lookup from an event value to the alternatives ("sub-rules") it may satisfy.
//
// Each sub-rule indexes one of its conditions, its key: exact values and equals-ignore-case
// (folded) in hash maps, prefixes and suffixes in byte tries, CIDR blocks in one hash map per
// mask length. Operators that cannot be indexed (numeric, wildcard, anything-but) are scanned.
// A hit only makes the sub-rule a candidate; PatternSet then checks all of its conditions.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stages/filter/pattern/affix_trie.hpp"
#include "stages/filter/pattern/flat_map.hpp"
#include "stages/filter/pattern/value_matcher.hpp"

namespace sluice::pattern {

class FieldIndex {
 public:
  void add(const ValueMatcher& matcher, std::uint32_t sub_rule);

  // Calls emit(sub_rule) for every sub-rule whose key may hold for the value (possibly twice).
  template <typename Emit>
  void lookup(const ValueRef& value, Emit&& emit) const;

  // Sub-rules keyed on {"exists": true}: candidates whenever the field has any value.
  const std::vector<std::uint32_t>& exists() const { return exists_; }

 private:
  using List = std::vector<std::uint32_t>;
  struct CidrTable {  // blocks of one family and mask length, keyed by masked address bytes
    std::uint8_t family;
    int bits;
    FlatStringMap<List> blocks;
  };

  template <typename Emit>
  static void emit_all(const List* list, Emit& emit) {
    if (list == nullptr) return;
    for (const std::uint32_t sub_rule : *list) emit(sub_rule);
  }

  FlatStringMap<List> exact_;
  FlatStringMap<List> numbers_;  // keyed by the 8 bytes of number_key()
  List true_, false_, null_, exists_;
  FlatStringMap<List> ignore_case_;
  AffixTrie prefix_{false}, suffix_{true}, prefix_ignore_case_{false}, suffix_ignore_case_{true};
  std::vector<std::pair<IpAddress, List>> ips_;  // exact values that are IP literals, rare
  std::vector<CidrTable> cidrs_;
  std::vector<std::pair<ValueMatcher, std::uint32_t>> scan_;
  bool needs_folded_ = false;
};

// The masked bytes of `address` that identify its /bits block, written to `buffer`.
std::string_view cidr_block_key(const IpAddress& address, int bits, std::array<char, 16>& buffer);

// The bytes under which a number is indexed (equal numbers, including -0 and 0, share them).
inline std::string_view number_index_key(double number, std::uint64_t& storage) {
  storage = number_key(number);
  return std::string_view(reinterpret_cast<const char*>(&storage), sizeof storage);
}

}  // namespace sluice::pattern

#include "stages/filter/pattern/field_index_inl.hpp"
