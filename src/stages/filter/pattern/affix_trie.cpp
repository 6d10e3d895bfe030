#include "stages/filter/pattern/affix_trie.hpp"

#include <algorithm>

namespace sluice::pattern {

void AffixTrie::add(std::string_view affix, std::uint32_t sub_rule) {
  const std::string key = reversed_ ? std::string(affix.rbegin(), affix.rend()) : std::string(affix);
  std::uint32_t node = 0;
  std::size_t position = 0;
  while (position < key.size()) {
    std::uint32_t child = kMissing;
    for (const std::uint32_t candidate : nodes_[node].children) {
      if (nodes_[candidate].label[0] == key[position]) child = candidate;
    }
    if (child == kMissing) {
      const auto leaf = static_cast<std::uint32_t>(nodes_.size());
      nodes_.push_back(Node{key.substr(position), {}, {}});
      nodes_[node].children.push_back(leaf);
      node = leaf;
      position = key.size();
      break;
    }
    // Length of the common run of the child's label and the rest of the key.
    const std::string& label = nodes_[child].label;
    std::size_t common = 0;
    while (common < label.size() && position + common < key.size() && label[common] == key[position + common]) {
      ++common;
    }
    if (common < label.size()) {
      // Split the edge: child keeps the tail of its label under a new middle node.
      const auto middle = static_cast<std::uint32_t>(nodes_.size());
      nodes_.push_back(Node{label.substr(0, common), {child}, {}});
      nodes_[child].label.erase(0, common);
      std::replace(nodes_[node].children.begin(), nodes_[node].children.end(), child, middle);
      child = middle;
    }
    node = child;
    position += common;
  }
  nodes_[node].sub_rules.push_back(sub_rule);
}

}  // namespace sluice::pattern
