#include "stages/filter/pattern/field_index.hpp"

#include <algorithm>
#include <cstring>

namespace sluice::pattern {

std::string_view cidr_block_key(const IpAddress& address, int bits, std::array<char, 16>& buffer) {
  std::size_t size = address.family == 4 ? 4 : 16;
  std::memcpy(buffer.data(), address.bytes.data(), size);
  const auto full = static_cast<std::size_t>(bits / 8);
  if (full < size) {
    buffer[full] = static_cast<char>(static_cast<unsigned char>(buffer[full]) & (0xFF00u >> (bits % 8)));
    size = full + 1;
  }
  return std::string_view(buffer.data(), size);
}

void FieldIndex::add(const ValueMatcher& matcher, std::uint32_t sub_rule) {
  switch (matcher.kind()) {
    case MatchKind::exact_string:
      exact_[matcher.text()].push_back(sub_rule);
      if (matcher.ip()) {
        auto found =
            std::find_if(ips_.begin(), ips_.end(), [&](const auto& entry) { return entry.first == *matcher.ip(); });
        if (found == ips_.end()) found = ips_.insert(ips_.end(), {*matcher.ip(), List{}});
        found->second.push_back(sub_rule);
      }
      return;
    case MatchKind::exact_number: {
      std::uint64_t storage = 0;
      numbers_[number_index_key(matcher.number(), storage)].push_back(sub_rule);
      return;
    }
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
      prefix_.add(matcher.text(), sub_rule);
      return;
    case MatchKind::suffix:
      suffix_.add(matcher.text(), sub_rule);
      return;
    case MatchKind::prefix_ignore_case:
      prefix_ignore_case_.add(matcher.text(), sub_rule);
      needs_folded_ = true;
      return;
    case MatchKind::suffix_ignore_case:
      suffix_ignore_case_.add(matcher.text(), sub_rule);
      needs_folded_ = true;
      return;
    case MatchKind::cidr: {
      const IpRange& range = matcher.cidr_range();
      const std::uint8_t family = range.low.family;
      const int bits = range.prefix_bits();
      auto table = std::find_if(cidrs_.begin(), cidrs_.end(),
                                [&](const CidrTable& t) { return t.family == family && t.bits == bits; });
      if (table == cidrs_.end()) table = cidrs_.insert(cidrs_.end(), CidrTable{family, bits, FlatStringMap<List>{}});
      std::array<char, 16> buffer;
      table->blocks[cidr_block_key(range.low, bits, buffer)].push_back(sub_rule);
      return;
    }
    default:
      scan_.emplace_back(matcher, sub_rule);
      if (matcher.needs_folded()) needs_folded_ = true;
      return;
  }
}

}  // namespace sluice::pattern
