#pragma once
// The set of event paths that some pattern names, as a trie of field names. The extractor walks
// an event only along this trie, so fields no pattern mentions are skipped unread.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stages/filter/pattern/field_value.hpp"
#include "stages/filter/pattern/flat_map.hpp"

namespace sluice::pattern {

// find_raw_key reads keys as little-endian words.
static_assert(std::endian::native == std::endian::little, "PathTrie::find_raw_key assumes little-endian");

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
  // Returned by find_raw_key when the key must be measured (and perhaps unescaped) and looked up
  // with find_slot.
  static constexpr std::uint32_t kSlowPath = 0xFFFFFFFEu;

  // The slot of `node`'s child named by the JSON key whose raw text starts at `raw` (just after
  // its opening quote), or kNone. Reads exactly 16 bytes at `raw`: JSON text here is followed by
  // SIMDJSON_PADDING bytes. This runs once per key of every object the extractor walks, so it
  // never scans the whole key: the first 16 bytes either hold the closing quote (the key is
  // short; compared as two masked words) or prove the key longer than every short child name.
  // kSlowPath when the key contains an escape within those bytes, or is long and `node` has a
  // child name longer than 15 bytes.
  std::uint32_t find_raw_key(std::uint32_t node, const char* raw) const {
    const Node& n = nodes_[node];
    std::uint64_t low;
    std::uint64_t high = 0;
    std::memcpy(&low, raw, 8);
    std::size_t size;
    if (const std::uint64_t hits = quote_or_backslash_bytes(low); hits != 0) {
      size = static_cast<std::size_t>(std::countr_zero(hits) >> 3);
      low &= (std::uint64_t{1} << (8 * size)) - 1;  // size < 8
    } else {
      std::memcpy(&high, raw + 8, 8);
      const std::uint64_t high_hits = quote_or_backslash_bytes(high);
      if (high_hits == 0) return n.has_long_names ? kSlowPath : kNone;
      size = 8 + static_cast<std::size_t>(std::countr_zero(high_hits) >> 3);
      high &= (std::uint64_t{1} << (8 * (size - 8))) - 1;  // size < 16
    }
    // An escape at or after the first 16 bytes cannot matter: the 16 literal bytes before it
    // already make the key longer than any name compared here.
    if (raw[size] == '\\') return kSlowPath;
    if ((n.short_sizes & (1u << size)) == 0) return kNone;
    for (const ShortName& name : n.short_names) {
      if (name.size == size && name.low == low && name.high == high) return name.slot;
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
  std::size_t node_count() const { return nodes_.size(); }

 private:
  // Small fan-outs are scanned linearly (cheaper than hashing a key); wide ones get a hash index.
  static constexpr std::size_t kIndexThreshold = 12;

  // 0x80 in each byte of `word` that is '"' or '\\' (exact for the lowest such byte, which is all
  // find_raw_key uses).
  static std::uint64_t quote_or_backslash_bytes(std::uint64_t word) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull;
    constexpr std::uint64_t kHighs = 0x8080808080808080ull;
    const std::uint64_t quotes = word ^ (kOnes * '"');
    const std::uint64_t backslashes = word ^ (kOnes * '\\');
    return ((quotes - kOnes) & ~quotes & kHighs) | ((backslashes - kOnes) & ~backslashes & kHighs);
  }

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
  // A child name of at most 15 bytes as two little-endian words, zero-padded, for find_raw_key.
  struct ShortName {
    std::uint64_t low;
    std::uint64_t high;
    std::uint32_t size;
    std::uint32_t slot;
  };
  struct Node {
    std::vector<Child> children;
    std::vector<ShortName> short_names;
    std::uint32_t short_sizes = 0;  // bit n: some short name has n bytes
    bool has_long_names = false;
    FlatStringMap<std::uint32_t> index;
    std::uint64_t filter = 0;  // filter_bit of every child name
    std::uint32_t field = kNone;
  };
  std::vector<Node> nodes_;
};

}  // namespace sluice::pattern
