#include "stages/filter/cesql/like_pattern.hpp"

#include "stages/filter/cesql/utf8.hpp"

namespace sluice::cesql {

LikePattern LikePattern::compile(std::string_view pattern) {
  LikePattern compiled;
  Segment current;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size() && (pattern[i + 1] == '%' || pattern[i + 1] == '_')) {
      current.literal.push_back(pattern[++i]);
    } else if (c == '%') {
      compiled.segments_.push_back(std::move(current));
      current = Segment{};
    } else if (c == '_') {
      current.any_at.push_back(static_cast<std::uint32_t>(current.literal.size()));
      current.literal.push_back('\0');
    } else {
      current.literal.push_back(c);
    }
  }
  compiled.segments_.push_back(std::move(current));
  return compiled;
}

std::size_t LikePattern::match_at(const Segment& segment, std::string_view text, std::size_t pos) noexcept {
  const std::string& lit = segment.literal;
  if (segment.any_at.empty()) {
    if (text.size() - pos < lit.size() || text.compare(pos, lit.size(), lit) != 0) return std::string_view::npos;
    return pos + lit.size();
  }
  std::size_t next_any = 0;
  for (std::size_t j = 0; j < lit.size(); ++j) {
    if (pos >= text.size()) return std::string_view::npos;
    if (next_any < segment.any_at.size() && segment.any_at[next_any] == j) {
      ++next_any;
      pos = utf8::next(text, pos);
    } else {
      if (text[pos] != lit[j]) return std::string_view::npos;
      ++pos;
    }
  }
  return pos;
}

std::size_t LikePattern::find(const Segment& segment, std::string_view text, std::size_t pos) noexcept {
  if (segment.any_at.empty()) {
    const std::size_t at = text.find(segment.literal, pos);
    return at == std::string_view::npos ? at : at + segment.literal.size();
  }
  // Wildcards make the match length depend on the text, so try each character boundary.
  for (;; pos = utf8::next(text, pos)) {
    const std::size_t end = match_at(segment, text, pos);
    if (end != std::string_view::npos) return end;
    if (pos >= text.size()) return std::string_view::npos;
  }
}

namespace {

// Matches `literal` (with wildcards at `any_at`) so that it ends exactly at `end`; returns the
// start offset or npos. Walking backwards keeps the anchored tail linear.
std::size_t match_ending_at(const std::string& literal, const std::vector<std::uint32_t>& any_at,
                            std::string_view text, std::size_t end) noexcept {
  std::size_t pos = end;
  std::size_t next_any = any_at.size();
  for (std::size_t j = literal.size(); j-- > 0;) {
    if (pos == 0) return std::string_view::npos;
    if (next_any > 0 && any_at[next_any - 1] == j) {
      --next_any;
      pos = utf8::prev(text, pos);
    } else {
      if (text[pos - 1] != literal[j]) return std::string_view::npos;
      --pos;
    }
  }
  return pos;
}

}  // namespace

bool LikePattern::match(std::string_view text) const noexcept {
  if (segments_.size() == 1) return match_at(segments_.front(), text, 0) == text.size();

  std::size_t pos = match_at(segments_.front(), text, 0);
  if (pos == std::string_view::npos) return false;
  // Leftmost matches of the middle segments are optimal: `%` absorbs whatever lies between them.
  for (std::size_t i = 1; i + 1 < segments_.size(); ++i) {
    pos = find(segments_[i], text, pos);
    if (pos == std::string_view::npos) return false;
  }
  const Segment& last = segments_.back();
  const std::size_t start = match_ending_at(last.literal, last.any_at, text, text.size());
  return start != std::string_view::npos && start >= pos;
}

}  // namespace sluice::cesql
