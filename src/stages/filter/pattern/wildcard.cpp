#include "stages/filter/pattern/wildcard.hpp"

namespace sluice::pattern {

std::optional<Wildcard> Wildcard::compile(std::string_view text, std::string& problem) {
  Wildcard wildcard;
  wildcard.pieces_.emplace_back();
  bool previous_was_star = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '*') {
      if (previous_was_star) {
        problem = "consecutive '*' in wildcard at position " + std::to_string(i);
        return std::nullopt;
      }
      wildcard.pieces_.emplace_back();
      previous_was_star = true;
      continue;
    }
    previous_was_star = false;
    if (c == '\\') {
      if (i + 1 >= text.size()) {
        problem = "wildcard ends with an unescaped backslash";
        return std::nullopt;
      }
      const char escaped = text[i + 1];
      if (escaped != '*' && escaped != '\\') {
        problem = std::string("invalid escape '\\") + escaped + "' in wildcard (only \\* and \\\\ are allowed)";
        return std::nullopt;
      }
      wildcard.pieces_.back().push_back(escaped);
      ++i;
      continue;
    }
    wildcard.pieces_.back().push_back(c);
  }
  return wildcard;
}

bool Wildcard::matches(std::string_view subject) const {
  if (pieces_.size() == 1) return subject == pieces_.front();
  const std::string& first = pieces_.front();
  const std::string& last = pieces_.back();
  if (subject.size() < first.size() + last.size()) return false;
  if (!subject.starts_with(first) || !subject.ends_with(last)) return false;
  std::size_t position = first.size();
  const std::size_t end = subject.size() - last.size();
  for (std::size_t i = 1; i + 1 < pieces_.size(); ++i) {
    const std::string& piece = pieces_[i];
    const std::size_t found = subject.substr(0, end).find(piece, position);
    if (found == std::string_view::npos) return false;
    position = found + piece.size();
  }
  return true;
}

}  // namespace sluice::pattern
