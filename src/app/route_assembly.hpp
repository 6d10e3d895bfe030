#pragma once
// Builds the router from `routes:` and the started sinks, and the per-worker stage factory.

#include "app/pipeline_config.hpp"
#include "config/config_node.hpp"

#include <sluice/api/sink.hpp>
#include <sluice/api/stage.hpp>

#include <memory>
#include <vector>

namespace sluice {

class Router;
class Telemetry;

// Throws ConfigError naming the route and key for unknown sinks, bad templates or filters.
// Without a `routes:` section every event goes to every sink. A `dead_letter:` section gives the
// router its dead-letter policy, counted in `telemetry`.
std::shared_ptr<const Router> build_router(const ConfigNode& root, const std::vector<std::unique_ptr<Sink>>& sinks,
                                          Telemetry& telemetry);

BatchProcessorFactory make_processor_factory(std::shared_ptr<const Router> router, const ProcessConfig& process);

}  // namespace sluice
