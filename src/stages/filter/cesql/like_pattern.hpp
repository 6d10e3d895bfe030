#pragma once
// A compiled CESQL LIKE pattern (spec 3.4.3): `%` matches any run of characters, `_` exactly one
// character (a Unicode code point, not a byte), `\%` and `\_` match themselves, and every other
// character, a backslash before anything else included, matches itself, case-sensitively.
//
// Immutable after compile(); match() is const and safe to call from many threads.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cesql {

class LikePattern {
 public:
  static LikePattern compile(std::string_view pattern);

  bool match(std::string_view text) const noexcept;

 private:
  // A run of pattern items between two `%`. `literal` holds the bytes to match, with every `_`
  // wildcard replaced by a NUL byte and its offset listed in `any_at`; only segments that have
  // wildcards pay for the slower item-by-item comparison.
  struct Segment {
    std::string literal;
    std::vector<std::uint32_t> any_at;
  };

  // Matches `segment` at byte offset `pos` of `text`; returns the end offset or npos.
  static std::size_t match_at(const Segment& segment, std::string_view text, std::size_t pos) noexcept;
  // Finds the leftmost match of `segment` at or after `pos`; returns its end offset or npos.
  static std::size_t find(const Segment& segment, std::string_view text, std::size_t pos) noexcept;

  // segments_.size() == number of `%` + 1. The first is anchored at the start, the last at the
  // end; when there is no `%` the single segment must cover the whole text.
  std::vector<Segment> segments_;
};

}  // namespace sluice::cesql
