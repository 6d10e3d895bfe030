#pragma once
// Prefixes (or suffixes) of many patterns on one field, in a radix tree. A value walks the tree
// once and collects every pattern whose affix it starts (ends) with: one pass however many
// prefixes of however many lengths there are, one memcmp per shared run, and no hashing.
// Suffixes are stored reversed and matched against the value read backwards.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::pattern {

class AffixTrie {
 public:
  explicit AffixTrie(bool reversed) : reversed_(reversed), nodes_(1) {}

  void add(std::string_view affix, std::uint32_t sub_rule);

  bool empty() const { return nodes_.size() == 1 && nodes_[0].sub_rules.empty(); }

  // Most fields have no prefix (or suffix) at all, so the empty test stays inline at the call site
  // and only a real walk pays for a call.
  template <typename Emit>
  void lookup(std::string_view text, Emit& emit) const {
    if (!empty()) walk(text, emit);
  }

 private:
  template <typename Emit>
  [[gnu::noinline]] void walk(std::string_view text, Emit& emit) const {
    std::uint32_t node = 0;
    std::size_t position = 0;  // bytes of text consumed (from the end when reversed_)
    for (;;) {
      for (const std::uint32_t sub_rule : nodes_[node].sub_rules) emit(sub_rule);
      if (position == text.size()) return;
      const unsigned char next = byte_at(text, position);
      std::uint32_t child = kMissing;
      for (const std::uint32_t candidate : nodes_[node].children) {
        if (static_cast<unsigned char>(nodes_[candidate].label[0]) == next) {
          child = candidate;
          break;
        }
      }
      if (child == kMissing) return;
      const std::string& label = nodes_[child].label;
      if (label.size() > text.size() - position || !label_matches(label, text, position)) return;
      position += label.size();
      node = child;
    }
  }

  static constexpr std::uint32_t kMissing = 0xFFFFFFFFu;

  struct Node {
    std::string label;  // the edge from the parent, in walk order (reversed for suffixes)
    std::vector<std::uint32_t> children;
    std::vector<std::uint32_t> sub_rules;
  };

  unsigned char byte_at(std::string_view text, std::size_t position) const {
    return static_cast<unsigned char>(reversed_ ? text[text.size() - 1 - position] : text[position]);
  }
  bool label_matches(const std::string& label, std::string_view text, std::size_t position) const {
    if (!reversed_) return text.compare(position, label.size(), label) == 0;
    for (std::size_t i = 0; i < label.size(); ++i) {
      if (text[text.size() - 1 - position - i] != label[i]) return false;
    }
    return true;
  }

  bool reversed_;
  std::vector<Node> nodes_;
};

}  // namespace sluice::pattern
