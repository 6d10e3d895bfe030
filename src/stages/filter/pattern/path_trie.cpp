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
      parent.children.emplace_back(name, next);
      if (!parent.index.empty()) {
        parent.index.emplace(name, next);
      } else if (parent.children.size() > kIndexThreshold) {
        for (const auto& [child_name, child] : parent.children) parent.index.emplace(child_name, child);
      }
    }
    node = next;
  }
  if (nodes_[node].field == kNone) nodes_[node].field = field_count++;
  return nodes_[node].field;
}

}  // namespace sluice::pattern
