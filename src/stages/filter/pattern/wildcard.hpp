#pragma once
// `wildcard` values: `*` matches any run of characters (including none); `\*` is a literal star
// and `\\` a literal backslash. Any other escape, a trailing backslash and `**` are invalid.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::pattern {

class Wildcard {
 public:
  // On failure returns nullopt and sets `problem`.
  static std::optional<Wildcard> compile(std::string_view text, std::string& problem);

  // Linear in the subject for each literal piece: star patterns are matched greedily leftmost,
  // which is exact for `*`-only globs, so no backtracking blow-up is possible.
  bool matches(std::string_view subject) const;

 private:
  // The literal pieces between stars; size() == number of stars + 1.
  std::vector<std::string> pieces_;
};

}  // namespace sluice::pattern
