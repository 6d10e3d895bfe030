#pragma once
// Internal to the decoder: the CloudEvents checks that need the whole event (any content mode).

#include "stages/decode/decode_cursor.hpp"

#include <sluice/core/event.hpp>

#include <string_view>
#include <vector>

namespace sluice::decode {

// Required attributes present, specversion 1.0, time RFC 3339, no extension named twice
// (`extension_names` holds every extension member seen, null ones included; it is sorted).
bool check_event(const Event& event, std::vector<std::string_view>& extension_names, Cursor& cursor);

bool unsupported_specversion(std::string_view specversion, Cursor& cursor);

}  // namespace sluice::decode
