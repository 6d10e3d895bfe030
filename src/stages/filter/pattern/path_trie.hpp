#pragma once
// The set of event paths that some pattern names, as a trie of field names. The extractor walks
// an event only along this trie, so fields no pattern mentions are skipped unread.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stages/filter/pattern/field_value.hpp"

namespace sluice::pattern {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

class PathTrie {
 public:
  static constexpr std::uint32_t kRoot = 0;

  PathTrie() : nodes_(1) {}

  // Returns the field id of `path`, assigning the next id (field_count, then incremented) the
  // first time a path is seen.
  std::uint32_t add_path(const std::vector<std::string>& path, std::uint32_t& field_count);

  // kNone when `node` has no child called `name`.
  std::uint32_t find_child(std::uint32_t node, std::string_view name) const {
    const Node& n = nodes_[node];
    if (!n.index.empty()) {
      const auto found = n.index.find(name);
      return found == n.index.end() ? kNone : found->second;
    }
    for (const auto& [child_name, child] : n.children) {
      if (child_name == name) return child;
    }
    return kNone;
  }
  // The field id of the path ending at `node`, or kNone when no pattern tests values there.
  std::uint32_t field(std::uint32_t node) const { return nodes_[node].field; }
  bool has_children(std::uint32_t node) const { return !nodes_[node].children.empty(); }

 private:
  // Small fan-outs are scanned linearly (cheaper than hashing a key); wide ones get a hash index.
  static constexpr std::size_t kIndexThreshold = 12;

  struct Node {
    std::vector<std::pair<std::string, std::uint32_t>> children;
    std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> index;
    std::uint32_t field = kNone;
  };
  std::vector<Node> nodes_;
};

}  // namespace sluice::pattern
