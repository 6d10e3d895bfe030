#pragma once
// Routes: which sinks each event goes to, under which topic and key (DESIGN §5).
//
// Thread-safety: a Router is immutable after construction and shared by every worker; route()
// is const and uses only the caller's FilterContext for scratch. Lifetime: the Router must outlive
// every batch it routed (records point at its literal topic text), so the pipeline keeps it until
// the sinks have stopped.

#include "stages/filter/event_filter.hpp"
#include "stages/route/config.hpp"
#include "stages/route/data_fields.hpp"
#include "stages/route/template.hpp"

#include <sluice/core/ack.hpp>
#include <sluice/core/batch.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {
namespace pattern {
class PatternSet;
}

class SinkQueue;
struct FilterContext;

struct Route {
  std::string name;
  std::vector<SinkQueue*> sinks;  // not owned; each sink outlives the router
  Template topic;                 // empty: the sink's default topic
  std::optional<Template> key;    // absent: the `partitionkey` extension, else no key
  bool continue_matching = false;
  WhenFull when_full = WhenFull::block;
  std::unique_ptr<EventFilter> filter;  // null: every event matches (as far as `where` goes)
  bool has_pattern = false;             // its `match` is in the router's PatternSet
};

class Router {
 public:
  // Throws std::invalid_argument when a route has no sink, a null sink, or there are more routes
  // than OutRecord::route_index can number.
  // `patterns` holds the `match` pattern of every route with has_pattern, under its route index;
  // one pass over an event then answers for all of them.
  // `dead_letter` (optional) receives invalid events, unrouted events and template misses as
  // its flags say; without it those are filtered or reject the batch.
  Router(std::vector<Route> routes, std::unique_ptr<pattern::PatternSet> patterns,
         std::shared_ptr<const DeadLetterPolicy> dead_letter = nullptr);
  explicit Router(std::vector<Route> routes);
  ~Router();

  // Appends one OutRecord per (matching route, sink) to batch.records (cleared first) and counts
  // events that match no route in batch.filtered. Routes are tried in order; a match stops the
  // search unless the route has `continue`. Returns an `invalid` outcome (and leaves no records)
  // when a template field without fallback is missing from an event, e.g. "route 'vm': topic
  // template field data.Vm.Name missing in event 3" — unless the dead letter takes missing
  // fields. With a dead letter, batch.invalid_events and (as configured) unrouted events become
  // dead-letter records; batch.dead_lettered counts the events that reached only the dead letter.
  std::optional<BatchOutcome> route(IngressBatch& batch, FilterContext& context) const;

  const std::vector<Route>& routes() const noexcept { return routes_; }
  // Null when no dead letter is configured. Valid as long as the router.
  const DeadLetterPolicy* dead_letter() const noexcept { return dead_letter_.get(); }

 private:
  // Routes in order whose `match` (one PatternSet pass for all routes) and `where` hold.
  void matching_routes(const Event& event, FilterContext& context, std::vector<std::uint16_t>& matched) const;
  struct AppendResult {
    std::optional<BatchOutcome> failure;  // the batch must be rejected
    bool routed = false;                  // records for the route's sinks were added
  };
  AppendResult append_records(IngressBatch& batch, std::size_t event_index, std::uint16_t route_index,
                              DataFieldValues& data) const;
  AppendResult missing_field(IngressBatch& batch, const Event& event, std::size_t event_index,
                             std::uint16_t route_index, std::string reason) const;
  // A record of `event` for the dead-letter sink; a fresh note with `reason` and `detail` when
  // `note` is null.
  void append_dead_letter(IngressBatch& batch, const Event& event, const DeadLetterNote* note,
                          DeadLetterReason reason, std::string_view detail) const;

  std::vector<Route> routes_;
  std::unique_ptr<pattern::PatternSet> patterns_;
  std::shared_ptr<const DeadLetterPolicy> dead_letter_;
  DataFieldSet data_fields_;
  std::size_t max_fanout_ = 1;
};

// How build_routes finds sinks (nullptr when there is no sink of that name) and compiles a route's
// `match`/`where` into one filter (null when the spec has neither; when it has both, the filter
// must require both).
using SinkLookup = std::function<SinkQueue*(std::string_view sink_name)>;
using FilterFactory = std::function<std::unique_ptr<EventFilter>(const RouteSpec& spec)>;

// Turns parsed specs into routes. Throws ConfigError naming the route for an unknown sink, a
// filter the factory cannot build (or a spec with match/where but no factory), or a bad template.
std::vector<Route> build_routes(const std::vector<RouteSpec>& specs, const SinkLookup& sinks,
                                const FilterFactory& filters);

// The router for a configuration: `where` filters from `where_filters` (CESQL), and every route's
// `match` compiled into one PatternSet so that matching 100 routes costs about one pass over the
// event instead of 100 (bench/micro/pattern). Throws ConfigError naming the route.
std::shared_ptr<const Router> make_router(const std::vector<RouteSpec>& specs, const SinkLookup& sinks,
                                          const FilterFactory& where_filters,
                                          std::shared_ptr<DeadLetterPolicy> dead_letter = nullptr);

// A filter that holds when both do (for routes with `match` and `where`).
std::unique_ptr<EventFilter> all_of(std::unique_ptr<EventFilter> first, std::unique_ptr<EventFilter> second);

}  // namespace sluice
