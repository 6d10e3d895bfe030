#pragma once
// A set of event keys of one run, as one bitmap per connection. Sequence numbers are dense per
// connection, so this takes a bit per event instead of a hashed string per event, which keeps the
// verifier fast and its memory small at tens of millions of events.
//
// Not thread-safe: one owner at a time (a connection while the load runs, the verifier after).

#include <cstdint>
#include <vector>

#include "event_id.hpp"

namespace sluice::bench {

class IdSet {
 public:
  // Inserts `key`; returns false when it was already present.
  bool insert(EventKey key);
  // Inserts keys {connection, first}, ..., {connection, first + count - 1}.
  void insert_range(std::uint32_t connection, std::uint64_t first, std::uint64_t count);
  bool contains(EventKey key) const;

  std::uint64_t size() const { return size_; }
  std::uint32_t connection_count() const { return static_cast<std::uint32_t>(bits_.size()); }

  // Calls f(EventKey) for every member, in (connection, seq) order.
  template <typename F>
  void for_each(F&& f) const {
    for (std::uint32_t c = 0; c < bits_.size(); ++c) {
      const auto& words = bits_[c];
      for (std::uint64_t w = 0; w < words.size(); ++w) {
        for (std::uint64_t word = words[w]; word != 0; word &= word - 1) {
          f(EventKey{c, w * 64 + static_cast<std::uint64_t>(__builtin_ctzll(word))});
        }
      }
    }
  }

  // Number of members of *this that are also in `other`.
  std::uint64_t count_common(const IdSet& other) const;
  // Moves every member of `other` into *this (connections are disjoint in practice).
  void merge(const IdSet& other);

 private:
  std::vector<std::vector<std::uint64_t>> bits_;
  std::uint64_t size_ = 0;
};

}  // namespace sluice::bench
