#pragma once
// Case folding for `equals-ignore-case` and its prefix/suffix/anything-but variants.

#include <string>
#include <string_view>

namespace sluice::pattern {

// Appends the simple Unicode case folding (CaseFolding.txt C+S mappings) of UTF-8 `text` to `out`
// after clearing it, and returns a view of `out`. Bytes that are not valid UTF-8 are copied as they
// are, so folding never fails. Both sides of a comparison are folded the same way, so the result
// is only ever compared with other folded text.
std::string_view fold_case(std::string_view text, std::string& out);

// As fold_case, but appends to `out` and returns a view of the appended part.
std::string_view fold_case_append(std::string_view text, std::string& out);

// Folded copy, for compile time.
std::string folded(std::string_view text);

}  // namespace sluice::pattern
