#include "stages/filter/pattern/path_trie.hpp"

namespace sluice::pattern {

std::uint32_t PathTrie::add_path(const std::vector<std::string>& path, std::uint32_t& field_count) {
  std::uint32_t node = kRoot;
  for (const std::string& name : path) {
    std::uint32_t next = find_child(node, name);
    if (next == kNone) {
      next = static_cast<std::uint32_t>(nodes_.size());
      nodes_.emplace_back();
      Node& parent = nodes_[node];
      parent.children.push_back(Child{name, name.size(), name.empty() ? '\0' : name[0], next});
      parent.filter |= filter_bit(name);
      const auto slot = static_cast<std::uint32_t>(parent.children.size() - 1);
      if (!parent.index.empty()) {
        parent.index[name] = slot;
      } else if (parent.children.size() > kIndexThreshold) {
        for (std::uint32_t i = 0; i < parent.children.size(); ++i) parent.index[parent.children[i].name] = i;
      }
    }
    node = next;
  }
  if (nodes_[node].field == kNone) nodes_[node].field = field_count++;
  return nodes_[node].field;
}

}  // namespace sluice::pattern
