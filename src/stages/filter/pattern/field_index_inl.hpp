#pragma once
// Inline lookup of FieldIndex: it runs once per extracted value, so it is kept visible to the
// compiler at the call site.

#include "stages/filter/pattern/case_fold.hpp"
#include "stages/filter/pattern/field_index.hpp"

namespace sluice::pattern {

template <typename Emit>
void FieldIndex::lookup_affix(const AffixTable& table, std::string_view text, bool prefix, Emit& emit) {
  for (const auto& [length, map] : table) {
    if (length > text.size()) break;  // sorted by length
    const std::string_view part = prefix ? text.substr(0, length) : text.substr(text.size() - length);
    if (const auto found = map.find(part); found != map.end()) emit_all(found->second, emit);
  }
}

template <typename Emit>
void FieldIndex::lookup(const FieldValue& value, std::string& fold_buffer, Emit&& emit) const {
  std::string_view folded;
  switch (value.type) {
    case ValueType::string: {
      if (const auto found = exact_.find(value.text); found != exact_.end()) emit_all(found->second, emit);
      lookup_affix(prefix_, value.text, true, emit);
      lookup_affix(suffix_, value.text, false, emit);
      if (needs_folded_) {
        folded = fold_case(value.text, fold_buffer);
        if (const auto found = ignore_case_.find(folded); found != ignore_case_.end()) emit_all(found->second, emit);
        lookup_affix(prefix_ignore_case_, folded, true, emit);
        lookup_affix(suffix_ignore_case_, folded, false, emit);
      }
      if (!ips_.empty()) {
        if (const std::optional<IpAddress> address = parse_ip(value.text)) {
          for (const auto& [ip, list] : ips_) {
            if (ip == *address) emit_all(list, emit);
          }
        }
      }
      break;
    }
    case ValueType::number:
      if (value.has_number) {
        if (const auto found = numbers_.find(number_key(value.number)); found != numbers_.end()) {
          emit_all(found->second, emit);
        }
      }
      break;
    case ValueType::boolean_true:
      emit_all(true_, emit);
      break;
    case ValueType::boolean_false:
      emit_all(false_, emit);
      break;
    case ValueType::null:
      emit_all(null_, emit);
      break;
  }
  for (const auto& [matcher, sub_rule] : scan_) {
    if (matcher.matches(value, folded)) emit(sub_rule);
  }
}

}  // namespace sluice::pattern
