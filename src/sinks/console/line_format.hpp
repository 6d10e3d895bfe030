#pragma once
// How the console sink prints one event: a line of NDJSON (structured) or the data (binary).

#include <sluice/api/sink.hpp>
#include <sluice/core/batch.hpp>
#include <sluice/core/event.hpp>

#include <string>

namespace sluice::console {

// Appends one line for `event`, ending in '\n'. Structured: the CloudEvents JSON object on one
// line (an event that arrived pretty-printed has its line breaks turned into spaces, which is
// the same JSON: raw line breaks can only be whitespace between tokens). Binary: the data bytes
// as-is (nothing for an event without data). `scratch` is working space.
void append_console_line(std::string& out, const Event& event, OutputFormat format, std::string& scratch);

// The record's event as above; a dead letter is prefixed with `dead letter: reason="..."
// detail="..." ...` and one that never decoded is its raw bytes on one line.
void append_console_line(std::string& out, const OutRecord& record, OutputFormat format, std::string& scratch);

}  // namespace sluice::console
