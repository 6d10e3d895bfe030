#pragma once
// A single `match:` pattern as an EventFilter, for callers that test one route at a time. The
// router should prefer one PatternSet holding every route: it reads each event once for all.

#include <string_view>

#include "stages/filter/event_filter.hpp"
#include "stages/filter/pattern/pattern_set.hpp"

namespace sluice::pattern {

class PatternFilter final : public EventFilter {
 public:
  // Throws std::invalid_argument on an invalid pattern (see PatternSet::add).
  explicit PatternFilter(std::string_view pattern_json, Padding data_padding = Padding::present);

  // Thread-safe (see PatternSet). An event whose data is malformed JSON does not match.
  bool matches(const Event& event, FilterContext& context) const override;

 private:
  PatternSet set_;
  Padding data_padding_;
};

}  // namespace sluice::pattern
