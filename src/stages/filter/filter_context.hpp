#pragma once
// Per-worker scratch state that filters use to read an event's `data`.
//
// Thread-safety: one FilterContext per worker thread, never shared. It is reused across events,
// so nothing a filter returns may point into it after the next call.

#include <simdjson.h>

#include <string>

namespace sluice {

struct FilterContext {
  simdjson::ondemand::parser data_parser;
  std::string scratch;  // reusable buffer, e.g. for a padded copy of data that lies in the arena
};

}  // namespace sluice
