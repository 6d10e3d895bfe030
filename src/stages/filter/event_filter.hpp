#pragma once
// The seam between routing and filter languages (CloudEvents SQL `where:`, EventBridge `match:`).

#include <sluice/core/event.hpp>

namespace sluice {

struct FilterContext;

// A compiled, immutable predicate over one event.
// Thread-safety: matches() is const and may run concurrently on many workers, each with its own
// FilterContext. Lifetime: owned by the Router for the life of the pipeline.
class EventFilter {
 public:
  virtual ~EventFilter() = default;
  virtual bool matches(const Event& event, FilterContext& context) const = 0;
};

}  // namespace sluice
