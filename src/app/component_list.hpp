#pragma once
// The explicit list of component types: `type:` in a `sources:` or `sinks:` entry picks one.

#include "config/config_node.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/api/sink.hpp>
#include <sluice/api/source.hpp>

#include <memory>

namespace sluice {

// Both throw ConfigError naming the key when the type is unknown or its section is invalid.
std::unique_ptr<Source> make_source(const ConfigNode& node, SourceContext& context);
std::unique_ptr<Sink> make_sink(const ConfigNode& node, SinkContext& context);

}  // namespace sluice
