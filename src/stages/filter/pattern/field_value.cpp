#include "stages/filter/pattern/field_value.hpp"

#include "stages/filter/pattern/case_fold.hpp"

namespace sluice::pattern {

std::string_view DerivedForms::folded(std::uint32_t value, std::string_view text) {
  Entry& e = entry(value);
  if (e.fold_begin == kNone) {
    const auto begin = static_cast<std::uint32_t>(fold_arena_.size());
    e.fold_size = static_cast<std::uint32_t>(fold_case_append(text, fold_arena_).size());
    e.fold_begin = begin;
  }
  return std::string_view(fold_arena_).substr(e.fold_begin, e.fold_size);
}

const IpAddress* DerivedForms::ip(std::uint32_t value, std::string_view text) {
  Entry& e = entry(value);
  if (e.ip_state == 0) {
    const std::optional<IpAddress> parsed = parse_ip(text);
    e.ip_state = parsed ? 1 : 2;
    if (parsed) e.ip = *parsed;
  }
  return e.ip_state == 1 ? &e.ip : nullptr;
}

}  // namespace sluice::pattern
