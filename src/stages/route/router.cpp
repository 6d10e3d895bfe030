#include "stages/route/router.hpp"

#include "config/config_node.hpp"
#include "stages/filter/filter_context.hpp"
#include "stages/filter/pattern/pattern_set.hpp"

#include <sluice/core/sink_queue.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace sluice {
namespace {

// What a record charges against its sink's share: close to what the sink will send.
std::uint32_t estimate_bytes(const Event& event, std::string_view topic, std::string_view key) {
  std::size_t bytes = topic.size() + key.size();
  if (!event.structured_json.empty()) {
    bytes += event.structured_json.size();
  } else {
    constexpr std::size_t kPerAttribute = 16;  // names, quotes or header framing
    bytes += event.data.size() + event.id.size() + event.source.size() + event.specversion.size() +
             event.type.size() + event.datacontenttype.size() + event.dataschema.size() + event.subject.size() +
             event.time.size() + 8 * kPerAttribute;
    for (const Extension& extension : event.extensions) {
      bytes += extension.name.size() + extension.value.size() + kPerAttribute;
    }
  }
  return static_cast<std::uint32_t>(std::min<std::size_t>(bytes, std::numeric_limits<std::uint32_t>::max()));
}

BatchOutcome invalid(std::int64_t index, std::string reason) {
  BatchOutcome outcome;
  outcome.status = BatchOutcome::Status::invalid;
  outcome.error_index = index;
  outcome.reason = std::move(reason);
  return outcome;
}

class AllOf final : public EventFilter {
 public:
  AllOf(std::unique_ptr<EventFilter> first, std::unique_ptr<EventFilter> second)
      : first_(std::move(first)), second_(std::move(second)) {}
  bool matches(const Event& event, FilterContext& context) const override {
    return first_->matches(event, context) && second_->matches(event, context);
  }

 private:
  std::unique_ptr<EventFilter> first_;
  std::unique_ptr<EventFilter> second_;
};

}  // namespace

Router::~Router() = default;

Router::Router(std::vector<Route> routes) : Router(std::move(routes), nullptr) {}

Router::Router(std::vector<Route> routes, std::unique_ptr<pattern::PatternSet> patterns,
               std::shared_ptr<const DeadLetterPolicy> dead_letter)
    : routes_(std::move(routes)), patterns_(std::move(patterns)), dead_letter_(std::move(dead_letter)) {
  if (dead_letter_ && dead_letter_->sink == nullptr) throw std::invalid_argument("the dead letter has no sink");
  if (routes_.size() > std::numeric_limits<std::uint16_t>::max()) {
    throw std::invalid_argument(fmt::format("too many routes ({}; at most {})", routes_.size(),
                                            std::numeric_limits<std::uint16_t>::max()));
  }
  for (Route& route : routes_) {
    if (route.sinks.empty()) throw std::invalid_argument(fmt::format("route '{}' has no sink", route.name));
    if (std::find(route.sinks.begin(), route.sinks.end(), nullptr) != route.sinks.end()) {
      throw std::invalid_argument(fmt::format("route '{}' has a null sink", route.name));
    }
    route.topic.bind(data_fields_);
    if (route.key) route.key->bind(data_fields_);
    max_fanout_ = std::max(max_fanout_, route.sinks.size());
  }
}

void Router::matching_routes(const Event& event, FilterContext& context, std::vector<std::uint16_t>& matched) const {
  matched.clear();
  std::vector<std::uint32_t>& hits = context.pattern_hits;
  hits.clear();
  // JSON data lies in the batch's padded body (the decoder keeps it as a view), so it is read in
  // place. Malformed data leaves no hits: no pattern route matches.
  if (patterns_ && !patterns_->match_event(event, pattern::Padding::present, context, hits)) hits.clear();
  for (std::size_t index = 0; index < routes_.size(); ++index) {
    const Route& route = routes_[index];
    if (route.has_pattern && !std::binary_search(hits.begin(), hits.end(), static_cast<std::uint32_t>(index))) {
      continue;
    }
    if (route.filter && !route.filter->matches(event, context)) continue;
    matched.push_back(static_cast<std::uint16_t>(index));
    if (!route.continue_matching) return;
  }
}

std::optional<BatchOutcome> Router::route(IngressBatch& batch, FilterContext& context) const {
  batch.records.clear();
  batch.filtered = 0;
  batch.dead_lettered = 0;
  if (batch.events.empty() && batch.invalid_events.empty()) return std::nullopt;
  // Sized for the usual case (one matching route per event) so that a batch allocates once; routes
  // with `continue` may grow it, which is fine until dispatch takes pointers to the records.
  batch.records.reserve(batch.events.size() * max_fanout_ + batch.invalid_events.size());

  for (const InvalidEvent& invalid_event : batch.invalid_events) {
    append_dead_letter(batch, invalid_event.raw, invalid_event.note, DeadLetterReason::invalid, {});
    ++batch.dead_lettered;
  }

  DataFieldValues data(data_fields_, context);
  std::vector<std::uint16_t> matched;
  matched.reserve(routes_.size());
  const DeadLetterNote* unrouted = nullptr;  // one note for all unrouted events of the batch
  for (std::size_t index = 0; index < batch.events.size(); ++index) {
    const Event& event = batch.events[index];
    matching_routes(event, context, matched);
    if (matched.empty()) {
      if (dead_letter_ && dead_letter_->unrouted) {
        append_dead_letter(batch, event, unrouted, DeadLetterReason::unrouted, "no route matched the event");
        unrouted = batch.records.back().dead_letter;
        ++batch.dead_lettered;
      } else {
        ++batch.filtered;
      }
      continue;
    }
    data.reset(event, batch.body(), batch.arena);
    bool delivered_somewhere = false;
    for (const std::uint16_t route_index : matched) {
      const AppendResult result = append_records(batch, index, route_index, data);
      if (result.failure) {
        batch.records.clear();
        batch.filtered = 0;
        batch.dead_lettered = 0;
        return result.failure;
      }
      delivered_somewhere = delivered_somewhere || result.routed;
    }
    if (!delivered_somewhere) ++batch.dead_lettered;  // every route missed a template field
  }
  return std::nullopt;
}

Router::AppendResult Router::append_records(IngressBatch& batch, std::size_t event_index, std::uint16_t route_index,
                                            DataFieldValues& data) const {
  const Route& route = routes_[route_index];
  const Event& event = batch.events[event_index];
  const Template::Rendered topic = route.topic.render(event, &data, batch.arena);
  // Messages name the event by its place in the request, as the decoder's do.
  if (!topic.ok) {
    return missing_field(batch, event, event_index, route_index,
                         fmt::format("route '{}': topic template field {} missing in event {}", route.name,
                                     topic.missing, batch.request_index(event_index)));
  }
  std::string_view key;
  if (route.key) {
    const Template::Rendered rendered = route.key->render(event, &data, batch.arena);
    if (!rendered.ok) {
      return missing_field(batch, event, event_index, route_index,
                           fmt::format("route '{}': key template field {} missing in event {}", route.name,
                                       rendered.missing, batch.request_index(event_index)));
    }
    key = rendered.value;
  } else if (const Extension* partition_key = event.extension("partitionkey")) {
    key = partition_key->value;
  }
  const std::uint32_t bytes = estimate_bytes(event, topic.value, key);
  for (SinkQueue* sink : route.sinks) {
    OutRecord& record = batch.records.emplace_back();
    record.batch = &batch;
    record.event = &event;
    record.sink = sink;
    record.topic = topic.value;
    record.key = key;
    record.bytes = bytes;
    record.route_index = route_index;
    record.when_full = route.when_full;
  }
  return AppendResult{std::nullopt, true};
}

Router::AppendResult Router::missing_field(IngressBatch& batch, const Event& event, std::size_t event_index,
                                           std::uint16_t route_index, std::string reason) const {
  if (!dead_letter_ || !dead_letter_->missing_fields) {
    return AppendResult{invalid(static_cast<std::int64_t>(batch.request_index(event_index)), std::move(reason)), false};
  }
  DeadLetterNote note;
  note.reason = DeadLetterReason::missing_field;
  note.detail = std::move(reason);
  note.route = dead_letter_->route_name(route_index);
  append_dead_letter(batch, event, &batch.add_dead_letter_note(std::move(note)), DeadLetterReason::missing_field, {});
  batch.records.back().route_index = route_index;
  return AppendResult{std::nullopt, false};
}

void Router::append_dead_letter(IngressBatch& batch, const Event& event, const DeadLetterNote* note,
                                DeadLetterReason reason, std::string_view detail) const {
  if (note == nullptr) {
    DeadLetterNote fresh;
    fresh.reason = reason;
    fresh.detail.assign(detail);
    note = &batch.add_dead_letter_note(std::move(fresh));
  }
  OutRecord& record = batch.records.emplace_back();
  record.batch = &batch;
  record.event = &event;
  record.sink = dead_letter_->sink;
  record.topic = dead_letter_->topic;
  record.bytes = estimate_bytes(event, record.topic, {});
  record.dead_letter = note;
  dead_letter_->count(reason);
}

std::vector<Route> build_routes(const std::vector<RouteSpec>& specs, const SinkLookup& sinks,
                                const FilterFactory& filters) {
  std::vector<Route> routes;
  routes.reserve(specs.size());
  for (const RouteSpec& spec : specs) {
    Route route;
    route.name = spec.name;
    for (const std::string& sink_name : spec.to) {
      SinkQueue* sink = sinks ? sinks(sink_name) : nullptr;
      if (sink == nullptr) {
        throw ConfigError(fmt::format("routes: route '{}': to: '{}' is not a configured sink", spec.name, sink_name));
      }
      route.sinks.push_back(sink);
    }
    try {
      route.topic = Template::compile(spec.topic);
      if (!spec.key.empty()) route.key = Template::compile(spec.key);
    } catch (const TemplateError& error) {
      throw ConfigError(fmt::format("routes: route '{}': {}", spec.name, error.what()));
    }
    route.continue_matching = spec.continue_matching;
    route.when_full = spec.when_full;
    if (!spec.match_json.empty() || !spec.where.empty()) {
      if (!filters) {
        throw ConfigError(fmt::format("routes: route '{}': match/where filters are not available", spec.name));
      }
      route.filter = filters(spec);
      if (!route.filter) {
        throw ConfigError(fmt::format("routes: route '{}': its match/where filter could not be built", spec.name));
      }
    }
    routes.push_back(std::move(route));
  }
  return routes;
}

std::shared_ptr<const Router> make_router(const std::vector<RouteSpec>& specs, const SinkLookup& sinks,
                                          const FilterFactory& where_filters,
                                          std::shared_ptr<DeadLetterPolicy> dead_letter) {
  if (dead_letter) {
    dead_letter->route_names.clear();
    for (const RouteSpec& spec : specs) dead_letter->route_names.push_back(spec.name);
  } else {
    for (const RouteSpec& spec : specs) {
      if (spec.when_full == WhenFull::dead_letter) {
        throw ConfigError(fmt::format("routes: route '{}': when_full: dead_letter needs a `dead_letter:` section "
                                      "(sink and topic)",
                                      spec.name));
      }
    }
  }
  std::vector<RouteSpec> without_match = specs;
  for (RouteSpec& spec : without_match) spec.match_json.clear();
  std::vector<Route> routes = build_routes(without_match, sinks, where_filters);
  auto patterns = std::make_unique<pattern::PatternSet>();
  for (std::size_t index = 0; index < specs.size(); ++index) {
    if (specs[index].match_json.empty()) continue;
    try {
      patterns->add(static_cast<std::uint32_t>(index), specs[index].match_json);
    } catch (const std::invalid_argument& error) {
      throw ConfigError(fmt::format("routes: route '{}': match: {}", specs[index].name, error.what()));
    }
    routes[index].has_pattern = true;
  }
  if (patterns->empty()) patterns.reset();
  return std::make_shared<const Router>(std::move(routes), std::move(patterns), std::move(dead_letter));
}

std::unique_ptr<EventFilter> all_of(std::unique_ptr<EventFilter> first, std::unique_ptr<EventFilter> second) {
  if (!first) return second;
  if (!second) return first;
  return std::make_unique<AllOf>(std::move(first), std::move(second));
}

}  // namespace sluice
