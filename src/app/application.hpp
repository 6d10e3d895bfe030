#pragma once
// Assembly of a running sluice from its configuration, and its orderly shutdown.

#include "app/cli.hpp"

namespace sluice {

const char* version() noexcept;

// `sluice validate`: 0 when the configuration is valid, 1 (with one clear line) when not.
int validate_configuration(const Command& command);

// `sluice run`: runs until SIGTERM/SIGINT, then drains and exits 0; 1 when start-up fails.
int run_pipeline(const Command& command);

}  // namespace sluice
