#pragma once
// Inline lookup of FieldIndex: it runs once per extracted value, so it is kept visible to the
// compiler at the call site.

#include "stages/filter/pattern/field_index.hpp"

namespace sluice::pattern {

template <typename Emit>
void FieldIndex::lookup(const ValueRef& ref, Emit&& emit) const {
  const FieldValue& value = ref.value;
  switch (value.type) {
    case ValueType::string: {
      emit_all(exact_.find(value.text), emit);
      prefix_.lookup(value.text, emit);
      suffix_.lookup(value.text, emit);
      if (needs_folded_) {
        const std::string_view folded = ref.folded();
        emit_all(ignore_case_.find(folded), emit);
        prefix_ignore_case_.lookup(folded, emit);
        suffix_ignore_case_.lookup(folded, emit);
      }
      if (!ips_.empty() || !cidrs_.empty()) {
        if (const IpAddress* address = ref.ip()) {
          for (const auto& [ip, list] : ips_) {
            if (ip == *address) emit_all(&list, emit);
          }
          std::array<char, 16> buffer;
          for (const CidrTable& table : cidrs_) {
            if (table.family != address->family) continue;
            emit_all(table.blocks.find(cidr_block_key(*address, table.bits, buffer)), emit);
          }
        }
      }
      break;
    }
    case ValueType::number:
      if (value.has_number && !numbers_.empty()) {
        std::uint64_t storage = 0;
        emit_all(numbers_.find(number_index_key(value.number, storage)), emit);
      }
      break;
    case ValueType::boolean_true:
      emit_all(&true_, emit);
      break;
    case ValueType::boolean_false:
      emit_all(&false_, emit);
      break;
    case ValueType::null:
      emit_all(&null_, emit);
      break;
  }
  for (const auto& [matcher, sub_rule] : scan_) {
    if (matcher.matches(ref)) emit(sub_rule);
  }
}

}  // namespace sluice::pattern
