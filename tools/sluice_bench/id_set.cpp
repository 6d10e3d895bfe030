#include "id_set.hpp"

#include <algorithm>
#include <bit>

namespace sluice::bench {

bool IdSet::insert(EventKey key) {
  if (key.connection >= bits_.size()) bits_.resize(key.connection + 1);
  auto& words = bits_[key.connection];
  const std::uint64_t w = key.seq / 64;
  if (w >= words.size()) words.resize(std::max<std::uint64_t>(w + 1, words.size() * 2));
  const std::uint64_t mask = std::uint64_t{1} << (key.seq % 64);
  if (words[w] & mask) return false;
  words[w] |= mask;
  ++size_;
  return true;
}

void IdSet::insert_range(std::uint32_t connection, std::uint64_t first, std::uint64_t count) {
  for (std::uint64_t i = 0; i < count; ++i) insert(EventKey{connection, first + i});
}

bool IdSet::contains(EventKey key) const {
  if (key.connection >= bits_.size()) return false;
  const auto& words = bits_[key.connection];
  const std::uint64_t w = key.seq / 64;
  return w < words.size() && (words[w] >> (key.seq % 64)) & 1;
}

std::uint64_t IdSet::count_common(const IdSet& other) const {
  std::uint64_t n = 0;
  const std::size_t conns = std::min(bits_.size(), other.bits_.size());
  for (std::size_t c = 0; c < conns; ++c) {
    const std::size_t words = std::min(bits_[c].size(), other.bits_[c].size());
    for (std::size_t w = 0; w < words; ++w) n += static_cast<std::uint64_t>(std::popcount(bits_[c][w] & other.bits_[c][w]));
  }
  return n;
}

void IdSet::merge(const IdSet& other) {
  if (other.bits_.size() > bits_.size()) bits_.resize(other.bits_.size());
  size_ = 0;
  for (std::size_t c = 0; c < bits_.size(); ++c) {
    auto& mine = bits_[c];
    if (c < other.bits_.size()) {
      const auto& theirs = other.bits_[c];
      if (theirs.size() > mine.size()) mine.resize(theirs.size());
      for (std::size_t w = 0; w < theirs.size(); ++w) mine[w] |= theirs[w];
    }
    for (const std::uint64_t word : mine) size_ += static_cast<std::uint64_t>(std::popcount(word));
  }
}

}  // namespace sluice::bench
