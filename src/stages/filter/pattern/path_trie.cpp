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
      if (name.size() <= 15) {
        ShortName short_name{0, 0, static_cast<std::uint32_t>(name.size()), slot};
        std::memcpy(&short_name.low, name.data(), std::min<std::size_t>(name.size(), 8));
        if (name.size() > 8) std::memcpy(&short_name.high, name.data() + 8, name.size() - 8);
        parent.short_names.push_back(short_name);
        parent.short_sizes |= 1u << name.size();
      } else {
        parent.has_long_names = true;
      }
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
