#pragma once
// The set of event paths that some pattern names, as a trie of field names. The extractor walks
// an event only along this trie, so fields no pattern mentions are skipped unread.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stages/filter/pattern/field_value.hpp"
#include "stages/filter/pattern/flat_map.hpp"

namespace sluice::pattern {

class PathTrie {
 public:
  static constexpr std::uint32_t kRoot = 0;

  PathTrie() : nodes_(1) {}

  // Returns the field id of `path`, assigning the next id (field_count, then incremented) the
  // first time a path is seen.
  std::uint32_t add_path(const std::vector<std::string>& path, std::uint32_t& field_count);

  // The position of `node`'s child called `name` among its children, or kNone.
  std::uint32_t find_slot(std::uint32_t node, std::string_view name) const {
    const Node& n = nodes_[node];
    if (!n.index.empty()) {
      const std::uint32_t* found = n.index.find(name);
      return found == nullptr ? kNone : *found;
    }
    // A 64-bit filter on (length, first byte) rejects most keys at once; length and first byte
    // settle most of the rest without a memcmp call.
    const std::size_t size = name.size();
    if ((n.filter & filter_bit(name)) == 0) return kNone;
    for (std::uint32_t slot = 0; slot < n.children.size(); ++slot) {
      const Child& child = n.children[slot];
      if (child.size == size &&
          (size == 0 || (child.first == name[0] && std::memcmp(child.name.data(), name.data(), size) == 0))) {
        return slot;
      }
    }
    return kNone;
  }
  std::uint32_t child_at(std::uint32_t node, std::uint32_t slot) const { return nodes_[node].children[slot].node; }
  std::size_t child_count(std::uint32_t node) const { return nodes_[node].children.size(); }

  // kNone when `node` has no child called `name`.
  std::uint32_t find_child(std::uint32_t node, std::string_view name) const {
    const std::uint32_t slot = find_slot(node, name);
    return slot == kNone ? kNone : child_at(node, slot);
  }
  // The field id of the path ending at `node`, or kNone when no pattern tests values there.
  std::uint32_t field(std::uint32_t node) const { return nodes_[node].field; }
  bool has_children(std::uint32_t node) const { return !nodes_[node].children.empty(); }

 private:
  // Small fan-outs are scanned linearly (cheaper than hashing a key); wide ones get a hash index.
  static constexpr std::size_t kIndexThreshold = 12;

  static std::uint64_t filter_bit(std::string_view name) {
    const unsigned first = name.empty() ? 0u : static_cast<unsigned char>(name[0]);
    return std::uint64_t{1} << ((name.size() * 7 + first) & 63);
  }

  struct Child {
    std::string name;
    std::size_t size;
    char first;  // name[0], or 0 for ""
    std::uint32_t node;
  };
  struct Node {
    std::vector<Child> children;
    FlatStringMap<std::uint32_t> index;
    std::uint64_t filter = 0;  // filter_bit of every child name
    std::uint32_t field = kNone;
  };
  std::vector<Node> nodes_;
};

}  // namespace sluice::pattern
