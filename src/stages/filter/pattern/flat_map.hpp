#pragma once
// Small hash tables for the match path: a fast string hash and an open-addressing map that is
// filled once at build time and then only read. std::unordered_map costs a murmur hash, a modulo
// by a prime and a node hop per probe, which showed up as a fifth of match time.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::pattern {

// A 64-bit multiply-mix hash (wyhash-style) of short keys: field names, event values, masked
// addresses. Not for adversarial keys from the network; inputs here are pattern texts.
inline std::uint64_t hash_bytes(std::string_view text) {
  __extension__ using Wide = unsigned __int128;
  const auto mix = [](std::uint64_t a, std::uint64_t b) {
    const Wide product = static_cast<Wide>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
  };
  constexpr std::uint64_t kSeed0 = 0xa0761d6478bd642full;
  constexpr std::uint64_t kSeed1 = 0xe7037ed1a0b428dbull;
  const char* p = text.data();
  std::size_t n = text.size();
  std::uint64_t h = kSeed0 ^ n;
  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    h = mix(h ^ word, kSeed1);
    p += 8;
    n -= 8;
  }
  // The last 0-7 bytes as at most two overlapping fixed-size loads: a memcpy of variable length
  // is a library call, a tenth of a lookup.
  std::uint64_t tail = 0;
  if (n >= 4) {
    std::uint32_t first;
    std::uint32_t last;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    tail = (static_cast<std::uint64_t>(first) << 32) | last;
  } else if (n != 0) {
    const auto byte = [p](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])); };
    tail = (byte(0) << 16) | (byte(n / 2) << 8) | byte(n - 1);
  }
  return mix(h ^ tail, kSeed1 ^ n);
}

template <typename Value>
class FlatStringMap {
 public:
  // Build time: finds or inserts `key`.
  Value& operator[](std::string_view key) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const std::uint64_t hash = hash_bytes(key);
    std::size_t i = hash & mask_;
    while (slots_[i].used) {
      if (slots_[i].hash == hash && slots_[i].key == key) return slots_[i].value;
      i = (i + 1) & mask_;
    }
    slots_[i].used = true;
    slots_[i].hash = hash;
    slots_[i].key.assign(key);
    ++size_;
    return slots_[i].value;
  }

  const Value* find(std::string_view key) const {
    if (size_ == 0) return nullptr;
    const std::uint64_t hash = hash_bytes(key);
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (!slot.used) return nullptr;
      if (slot.hash == hash && slot.key == key) return &slot.value;
    }
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::string key;
    Value value{};
    bool used = false;
  };

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 8 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (Slot& slot : old) {
      if (!slot.used) continue;
      std::size_t i = slot.hash & mask_;
      while (slots_[i].used) i = (i + 1) & mask_;
      slots_[i] = std::move(slot);
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

}  // namespace sluice::pattern
