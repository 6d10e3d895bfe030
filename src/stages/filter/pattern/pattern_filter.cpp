#include "stages/filter/pattern/pattern_filter.hpp"

#include <vector>

namespace sluice::pattern {

PatternFilter::PatternFilter(std::string_view pattern_json, Padding data_padding) : data_padding_(data_padding) {
  set_.add(0, pattern_json);
}

bool PatternFilter::matches(const Event& event, FilterContext& context) const {
  thread_local std::vector<std::uint32_t> matched;
  return set_.match_event(event, data_padding_, context, matched) && !matched.empty();
}

}  // namespace sluice::pattern
