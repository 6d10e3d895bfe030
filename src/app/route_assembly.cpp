#include "app/route_assembly.hpp"

#include "stages/filter/cesql/cesql_filter.hpp"
#include "stages/route/batch_processor.hpp"
#include "stages/route/config.hpp"
#include "stages/route/router.hpp"

#include <sluice/core/dead_letter.hpp>
#include <sluice/core/telemetry.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sluice {
namespace {

// `where:` as a CESQL filter. JSON `data` always lies inside the batch's padded input buffer (the
// decoder keeps it as a view of the body), so it is parsed in place. `match:` patterns are compiled
// by make_router into one PatternSet for all routes.
std::unique_ptr<EventFilter> make_where_filter(const RouteSpec& spec) {
  if (spec.where.empty()) return nullptr;
  try {
    auto filter = cesql::CesqlFilter::compile(spec.where, cesql::CesqlOptions{.data_is_padded = true});
    for (const auto& warning : filter->warnings()) spdlog::warn("route '{}': where: {}", spec.name, warning);
    return filter;
  } catch (const std::invalid_argument& error) {
    throw ConfigError(fmt::format("route '{}': where: {}", spec.name, error.what()));
  }
}

std::shared_ptr<DeadLetterPolicy> make_dead_letter_policy(const ConfigNode& root, std::span<const std::string> sink_names,
                                                          const SinkLookup& lookup, Telemetry& telemetry) {
  const std::optional<DeadLetterSpec> spec = parse_dead_letter(root, sink_names);
  if (!spec) return nullptr;
  auto policy = std::make_shared<DeadLetterPolicy>();
  policy->sink = lookup(spec->sink);
  policy->topic = spec->topic;
  policy->invalid = spec->invalid;
  policy->rejected = spec->rejected;
  policy->missing_fields = spec->missing_fields;
  policy->unrouted = spec->unrouted;
  for (std::size_t index = 0; index < kDeadLetterReasons; ++index) {
    policy->counters[index] = &telemetry.dead_letter_records(to_string(static_cast<DeadLetterReason>(index)));
  }
  policy->total = &telemetry.component("pipeline", "pipeline").dead_lettered;
  return policy;
}

}  // namespace

std::shared_ptr<const Router> build_router(const ConfigNode& root, const std::vector<std::unique_ptr<Sink>>& sinks,
                                          Telemetry& telemetry) {
  std::vector<std::string> names;
  for (const auto& sink : sinks) names.emplace_back(sink->name());
  std::vector<RouteSpec> specs = parse_routes(root, names);
  if (specs.empty()) {
    // No `routes:` section: every event goes to every sink.
    RouteSpec everything;
    everything.name = "default";
    everything.to = names;
    specs.push_back(std::move(everything));
  }
  auto lookup = [&](std::string_view name) -> SinkQueue* {
    for (const auto& sink : sinks) {
      if (sink->name() == name) return &sink->queue();
    }
    return nullptr;
  };
  return make_router(specs, lookup, make_where_filter, make_dead_letter_policy(root, names, lookup, telemetry));
}

BatchProcessorFactory make_processor_factory(std::shared_ptr<const Router> router, const ProcessConfig& process) {
  DecodeOptions options;
  options.max_events_per_batch = process.max_events_per_batch;
  return make_stage_processor_factory(std::move(router), options);
}

}  // namespace sluice
