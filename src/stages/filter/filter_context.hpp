#pragma once
// Per-worker scratch state that filters use to read an event's `data`.
//
// Thread-safety: one FilterContext per worker thread, never shared. It is reused across events,
// so nothing a filter returns may point into it after the next call.

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

struct FilterContext {
  simdjson::ondemand::parser data_parser;
  std::string scratch;  // reusable buffer, e.g. for a padded copy of data that lies in the arena
  std::vector<std::uint32_t> pattern_hits;  // the routes whose `match` pattern held, per event
};

}  // namespace sluice
