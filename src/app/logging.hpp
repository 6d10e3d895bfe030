#pragma once

#include <string_view>

namespace sluice {

// Logs go to stderr (stdout belongs to the console sink). Accepts trace..off; unknown = info.
void configure_logging(std::string_view level);

}  // namespace sluice
