#include "stages/filter/pattern/field_index.hpp"

#include <algorithm>

namespace sluice::pattern {

int index_cost(MatchKind kind) {
  switch (kind) {
    case MatchKind::exact_string:
    case MatchKind::exact_number:
    case MatchKind::exact_true:
    case MatchKind::exact_false:
    case MatchKind::exact_null:
      return 0;
    case MatchKind::equals_ignore_case:
      return 1;
    case MatchKind::prefix:
    case MatchKind::suffix:
    case MatchKind::prefix_ignore_case:
    case MatchKind::suffix_ignore_case:
      return 2;
    case MatchKind::exists:
      return 3;
    case MatchKind::numeric_range:
    case MatchKind::cidr:
    case MatchKind::wildcard:
      return 4;
    default:  // anything-but: matches nearly everything, the worst key
      return 5;
  }
}

void FieldIndex::add_affix(AffixTable& table, const std::string& text, std::uint32_t sub_rule) {
  auto slot = std::lower_bound(table.begin(), table.end(), text.size(),
                               [](const auto& entry, std::size_t length) { return entry.first < length; });
  if (slot == table.end() || slot->first != text.size()) slot = table.insert(slot, {text.size(), StringMap{}});
  slot->second[text].push_back(sub_rule);
}

void FieldIndex::add(const ValueMatcher& matcher, std::uint32_t sub_rule) {
  switch (matcher.kind()) {
    case MatchKind::exact_string:
      exact_[matcher.text()].push_back(sub_rule);
      if (matcher.ip()) {
        auto found = std::find_if(ips_.begin(), ips_.end(), [&](const auto& entry) { return entry.first == *matcher.ip(); });
        if (found == ips_.end()) found = ips_.insert(ips_.end(), {*matcher.ip(), List{}});
        found->second.push_back(sub_rule);
      }
      return;
    case MatchKind::exact_number:
      numbers_[number_key(matcher.number())].push_back(sub_rule);
      return;
    case MatchKind::exact_true:
      true_.push_back(sub_rule);
      return;
    case MatchKind::exact_false:
      false_.push_back(sub_rule);
      return;
    case MatchKind::exact_null:
      null_.push_back(sub_rule);
      return;
    case MatchKind::exists:
      exists_.push_back(sub_rule);
      return;
    case MatchKind::equals_ignore_case:
      ignore_case_[matcher.text()].push_back(sub_rule);
      needs_folded_ = true;
      return;
    case MatchKind::prefix:
      add_affix(prefix_, matcher.text(), sub_rule);
      return;
    case MatchKind::suffix:
      add_affix(suffix_, matcher.text(), sub_rule);
      return;
    case MatchKind::prefix_ignore_case:
      add_affix(prefix_ignore_case_, matcher.text(), sub_rule);
      needs_folded_ = true;
      return;
    case MatchKind::suffix_ignore_case:
      add_affix(suffix_ignore_case_, matcher.text(), sub_rule);
      needs_folded_ = true;
      return;
    default:
      scan_.emplace_back(matcher, sub_rule);
      if (matcher.needs_folded()) needs_folded_ = true;
      return;
  }
}

}  // namespace sluice::pattern
