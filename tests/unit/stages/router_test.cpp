// The router: route order, continue, fan-out to sinks, filtered count, keys, failures.
#include "stages/filter/filter_context.hpp"
#include "stages/route/batch_processor.hpp"
#include "stages/route/router.hpp"
#include "test_batch.hpp"

#include <sluice/core/sink_queue.hpp>

#include <gtest/gtest.h>

namespace sluice {
namespace {

using test::TestBatch;

// Matches events whose type starts with a prefix.
class TypePrefix final : public EventFilter {
 public:
  explicit TypePrefix(std::string prefix) : prefix_(std::move(prefix)) {}
  bool matches(const Event& event, FilterContext&) const override { return event.type.starts_with(prefix_); }

 private:
  std::string prefix_;
};

Route make_route(std::string name, std::vector<SinkQueue*> sinks, std::string topic = "",
                 std::optional<std::string> key = std::nullopt, std::unique_ptr<EventFilter> filter = nullptr,
                 bool continue_matching = false) {
  Route route;
  route.name = std::move(name);
  route.sinks = std::move(sinks);
  route.topic = Template::compile(topic);
  if (key) route.key = Template::compile(*key);
  route.filter = std::move(filter);
  route.continue_matching = continue_matching;
  return route;
}

std::string event(std::string_view id, std::string_view type, std::string_view extra = "") {
  return std::string(R"({"specversion":"1.0","source":"/s","id":")") + std::string(id) + R"(","type":")" +
         std::string(type) + "\"" + std::string(extra) + "}";
}

class RouterTest : public ::testing::Test {
 protected:
  std::unique_ptr<TestBatch> decoded(const std::vector<std::string>& events) {
    std::string body = "[";
    for (std::size_t i = 0; i < events.size(); ++i) body += (i ? "," : "") + events[i];
    auto batch = std::make_unique<TestBatch>(ContentMode::batch, body + "]");
    EXPECT_FALSE(batch->decode());
    return batch;
  }

  SinkQueue kafka_{"kafka", 1 << 20};
  SinkQueue rabbit_{"rabbit", 1 << 20};
  SinkQueue archive_{"archive", 1 << 20};
  FilterContext context_;
};

TEST_F(RouterTest, FirstMatchingRouteWinsAndUnmatchedEventsAreFiltered) {
  std::vector<Route> routes;
  routes.push_back(make_route("vm", {&kafka_}, "vcenter.{type}", std::nullopt, std::make_unique<TypePrefix>("vm.")));
  routes.push_back(make_route("host", {&rabbit_}, "hosts", std::nullopt, std::make_unique<TypePrefix>("host.")));
  routes.push_back(make_route("vm-too", {&archive_}, "never", std::nullopt, std::make_unique<TypePrefix>("vm.")));
  const Router router(std::move(routes));
  auto batch = decoded({event("1", "vm.on"), event("2", "other"), event("3", "host.down"), event("4", "vm.off")});
  ASSERT_FALSE(router.route(**batch, context_));
  const auto& records = (*batch)->records;
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ((*batch)->filtered, 1u);
  EXPECT_EQ(records[0].event, &(*batch)->events[0]);
  EXPECT_EQ(records[0].sink, &kafka_);
  EXPECT_EQ(records[0].topic, "vcenter.vm.on");
  EXPECT_EQ(records[0].route_index, 0);
  EXPECT_EQ(records[0].batch, batch->get());
  EXPECT_EQ(records[1].event, &(*batch)->events[2]);
  EXPECT_EQ(records[1].sink, &rabbit_);
  EXPECT_EQ(records[1].topic, "hosts");
  EXPECT_EQ(records[1].route_index, 1);
  EXPECT_EQ(records[2].topic, "vcenter.vm.off");
  for (const OutRecord& record : records) {
    EXPECT_EQ(record.bytes, record.event->structured_json.size() + record.topic.size());
    EXPECT_EQ(record.when_full, WhenFull::block);
  }
}

TEST_F(RouterTest, ContinueMatchesLaterRoutesAndEachSinkGetsARecord) {
  std::vector<Route> routes;
  routes.push_back(make_route("all", {&kafka_, &archive_}, "all", std::nullopt, nullptr, true));
  routes.push_back(make_route("vm", {&rabbit_}, "vm", std::nullopt, std::make_unique<TypePrefix>("vm.")));
  routes.push_back(make_route("rest", {&rabbit_}, "rest"));
  routes[1].when_full = WhenFull::drop;
  const Router router(std::move(routes));
  auto batch = decoded({event("1", "vm.on"), event("2", "other")});
  ASSERT_FALSE(router.route(**batch, context_));
  const auto& records = (*batch)->records;
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ((*batch)->filtered, 0u);
  std::vector<std::pair<std::string, std::string>> seen;
  for (const OutRecord& record : records) seen.emplace_back(record.sink->sink_name(), std::string(record.topic));
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{{"kafka", "all"},
                                                                     {"archive", "all"},
                                                                     {"rabbit", "vm"},
                                                                     {"kafka", "all"},
                                                                     {"archive", "all"},
                                                                     {"rabbit", "rest"}}));
  EXPECT_EQ(records[2].when_full, WhenFull::drop);
  EXPECT_EQ(records[2].route_index, 1);
}

TEST_F(RouterTest, KeysComeFromTheKeyTemplateElseThePartitionKey) {
  std::vector<Route> routes;
  routes.push_back(make_route("keyed", {&kafka_}, "", std::string("{data.x}"), std::make_unique<TypePrefix>("keyed")));
  routes.push_back(make_route("default", {&kafka_}));
  const Router router(std::move(routes));
  auto batch = decoded({event("1", "keyed", R"(,"partitionkey":"ignored","data":{"x":42})"),
                        event("2", "plain", R"(,"partitionkey":"pk-2")"), event("3", "plain")});
  ASSERT_FALSE(router.route(**batch, context_));
  const auto& records = (*batch)->records;
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].key, "42");
  EXPECT_EQ(records[1].key, "pk-2");
  EXPECT_TRUE(records[2].key.empty());
  EXPECT_TRUE(records[1].topic.empty());  // no topic template: the sink's default topic
}

TEST_F(RouterTest, MissingTemplateFieldRejectsTheBatch) {
  std::vector<Route> routes;
  routes.push_back(make_route("vm", {&kafka_}, "vcenter.{data.Vm.Name}"));
  const Router router(std::move(routes));
  auto batch = decoded({event("1", "t", R"(,"data":{"Vm":{"Name":"a"}})"), event("2", "t"),
                        event("3", "t", R"(,"data":{"Vm":{}})")});
  const auto outcome = router.route(**batch, context_);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::invalid);
  EXPECT_EQ(outcome->error_index, 1);
  EXPECT_EQ(outcome->reason, "route 'vm': topic template field data.Vm.Name missing in event 1");
  EXPECT_TRUE((*batch)->records.empty());
}

TEST_F(RouterTest, MissingKeyFieldNamesTheKey) {
  std::vector<Route> routes;
  routes.push_back(make_route("vm", {&kafka_}, "t", std::string("{ext.owner}")));
  const Router router(std::move(routes));
  auto batch = decoded({event("1", "t")});
  const auto outcome = router.route(**batch, context_);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->reason, "route 'vm': key template field ext.owner missing in event 0");
}

TEST_F(RouterTest, NoRoutesFiltersEverything) {
  const Router router({});
  auto batch = decoded({event("1", "t"), event("2", "t")});
  ASSERT_FALSE(router.route(**batch, context_));
  EXPECT_TRUE((*batch)->records.empty());
  EXPECT_EQ((*batch)->filtered, 2u);
}

TEST_F(RouterTest, BinaryEventsChargeTheirDataAndAttributes) {
  std::vector<Route> routes;
  routes.push_back(make_route("all", {&kafka_}, "t"));
  const Router router(std::move(routes));
  TestBatch batch(ContentMode::binary, std::string(1000, 'x'));
  batch->binary_attributes = {{"specversion", "1.0"}, {"id", "1"}, {"source", "s"}, {"type", "t"}};
  ASSERT_FALSE(batch.decode());
  ASSERT_FALSE(router.route(*batch, context_));
  ASSERT_EQ(batch->records.size(), 1u);
  EXPECT_GT(batch->records[0].bytes, 1000u);
  EXPECT_LT(batch->records[0].bytes, 1300u);
}

TEST_F(RouterTest, ConstructionRejectsRoutesWithoutSinks) {
  std::vector<Route> routes;
  routes.push_back(make_route("empty", {}));
  EXPECT_THROW(Router{std::move(routes)}, std::invalid_argument);
  std::vector<Route> null_sink;
  null_sink.push_back(make_route("null", {nullptr}));
  EXPECT_THROW(Router{std::move(null_sink)}, std::invalid_argument);
}

TEST_F(RouterTest, BuildRoutesResolvesSinksAndFilters) {
  RouteSpec spec;
  spec.name = "vm";
  spec.to = {"kafka", "rabbit"};
  spec.topic = "vcenter.{subject|none}";
  spec.key = "{data.Vm.Name}";
  spec.where = "type LIKE 'vm.%'";
  spec.when_full = WhenFull::drop;
  RouteSpec plain;
  plain.name = "rest";
  plain.to = {"kafka"};
  const SinkLookup sinks = [&](std::string_view name) -> SinkQueue* {
    if (name == "kafka") return &kafka_;
    if (name == "rabbit") return &rabbit_;
    return nullptr;
  };
  int built = 0;
  const FilterFactory filters = [&](const RouteSpec& from) -> std::unique_ptr<EventFilter> {
    ++built;
    EXPECT_EQ(from.where, "type LIKE 'vm.%'");
    return std::make_unique<TypePrefix>("vm.");
  };
  auto routes = build_routes({spec, plain}, sinks, filters);
  EXPECT_EQ(built, 1);
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].sinks, (std::vector<SinkQueue*>{&kafka_, &rabbit_}));
  EXPECT_EQ(routes[0].topic.text(), "vcenter.{subject|none}");
  ASSERT_TRUE(routes[0].key);
  EXPECT_TRUE(routes[0].key->uses_data());
  EXPECT_EQ(routes[0].when_full, WhenFull::drop);
  EXPECT_TRUE(routes[0].filter);
  EXPECT_FALSE(routes[1].filter);
  EXPECT_FALSE(routes[1].key);
  const Router router(std::move(routes));

  auto batch = decoded({event("1", "vm.on", R"(,"data":{"Vm":{"Name":"n1"}})"), event("2", "x")});
  ASSERT_FALSE(router.route(**batch, context_));
  ASSERT_EQ((*batch)->records.size(), 3u);
  EXPECT_EQ((*batch)->records[0].topic, "vcenter.none");
  EXPECT_EQ((*batch)->records[1].key, "n1");
  EXPECT_EQ((*batch)->records[2].event, &(*batch)->events[1]);
}

TEST_F(RouterTest, BuildRoutesErrorsNameTheRoute) {
  RouteSpec spec;
  spec.name = "vm";
  spec.to = {"kafka", "nope"};
  const SinkLookup sinks = [&](std::string_view name) -> SinkQueue* { return name == "kafka" ? &kafka_ : nullptr; };
  try {
    (void)build_routes({spec}, sinks, nullptr);
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "routes: route 'vm': to: 'nope' is not a configured sink");
  }
  spec.to = {"kafka"};
  spec.match_json = R"({"type":["x"]})";
  try {
    (void)build_routes({spec}, sinks, nullptr);
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "routes: route 'vm': match/where filters are not available");
  }
  spec.match_json.clear();
  spec.topic = "{oops";
  EXPECT_THROW((void)build_routes({spec}, sinks, nullptr), ConfigError);
}

TEST(AllOf, BothFiltersMustMatch) {
  auto filter = all_of(std::make_unique<TypePrefix>("a"), std::make_unique<TypePrefix>("ab"));
  FilterContext context;
  Event event;
  event.type = "abc";
  EXPECT_TRUE(filter->matches(event, context));
  event.type = "acb";
  EXPECT_FALSE(filter->matches(event, context));
  EXPECT_TRUE(all_of(nullptr, std::make_unique<TypePrefix>("a"))->matches(Event{.type = "a"}, context));
}

TEST_F(RouterTest, StageProcessorDecodesAndRoutesInDecode) {
  std::vector<Route> routes;
  routes.push_back(make_route("vm", {&kafka_}, "{data.Vm.Name}", std::nullopt, std::make_unique<TypePrefix>("vm.")));
  auto router = std::make_shared<const Router>(std::move(routes));
  const BatchProcessorFactory factory = make_stage_processor_factory(router, DecodeOptions{});
  auto processor = factory();
  ASSERT_TRUE(processor);
  EXPECT_NE(factory().get(), processor.get());

  TestBatch good(ContentMode::batch, "[" + event("1", "vm.on", R"(,"data":{"Vm":{"Name":"n"}})") + "," +
                                         event("2", "other") + "]");
  ASSERT_FALSE(processor->decode(*good));
  ASSERT_EQ(good->records.size(), 1u);
  EXPECT_EQ(good->records[0].topic, "n");
  processor->route(*good);  // already routed: unchanged
  EXPECT_EQ(good->records.size(), 1u);
  EXPECT_EQ(good->filtered, 1u);

  TestBatch missing(ContentMode::structured, event("1", "vm.on"));
  const auto outcome = processor->decode(*missing);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->reason, "route 'vm': topic template field data.Vm.Name missing in event 0");

  TestBatch malformed(ContentMode::structured, "{");
  EXPECT_TRUE(processor->decode(*malformed));
}

TEST_F(RouterTest, StageProcessorRoutesABatchItDidNotDecode) {
  std::vector<Route> routes;
  routes.push_back(make_route("all", {&kafka_}, "t"));
  StageProcessor processor(std::make_shared<const Router>(std::move(routes)), DecodeOptions{});
  auto batch = decoded({event("1", "a"), event("2", "b")});
  processor.route(**batch);
  EXPECT_EQ((*batch)->records.size(), 2u);
}

TEST(StageProcessor, WithoutARouterEverythingIsFiltered) {
  StageProcessor processor(nullptr, DecodeOptions{});
  TestBatch batch(ContentMode::batch, "[" + event("1", "a") + "]");
  ASSERT_FALSE(processor.decode(*batch));
  processor.route(*batch);
  EXPECT_EQ(batch->filtered, 1u);
  EXPECT_TRUE(batch->records.empty());
}

TEST(StageProcessor, DecodeOptionsReachTheDecoder) {
  DecodeOptions options;
  options.max_events_per_batch = 1;
  StageProcessor processor(nullptr, options);
  TestBatch batch(ContentMode::batch, "[" + event("1", "a") + "," + event("2", "a") + "]");
  const auto outcome = processor.decode(*batch);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 1);
}

// All routes' `match` patterns in one PatternSet, combined with `where` and `continue`.
TEST_F(RouterTest, MakeRouterMatchesPatternsInOnePassWithWhereAndContinue) {
  auto spec = [](std::string name, std::string to, std::string match, std::string where, bool continue_matching) {
    RouteSpec route;
    route.name = std::move(name);
    route.to = {std::move(to)};
    route.match_json = std::move(match);
    route.where = std::move(where);
    route.continue_matching = continue_matching;
    return route;
  };
  const std::vector<RouteSpec> specs = {
      spec("power", "kafka", R"({"type":[{"prefix":"vm.power"}],"data":{"Vm":{"Name":[{"prefix":"web-"}]}}})", "",
           true),
      spec("both", "rabbit", R"({"type":["vm.power.on"]})", "subject = 'keep'", false),
      spec("rest", "archive", "", "", false)};
  const SinkLookup sinks = [&](std::string_view name) -> SinkQueue* {
    if (name == "kafka") return &kafka_;
    if (name == "rabbit") return &rabbit_;
    if (name == "archive") return &archive_;
    return nullptr;
  };
  // A stand-in for CESQL: only `subject = 'keep'` is used here.
  const FilterFactory where = [](const RouteSpec& from) -> std::unique_ptr<EventFilter> {
    if (from.where.empty()) return nullptr;
    struct SubjectIsKeep final : EventFilter {
      bool matches(const Event& event, FilterContext&) const override { return event.subject == "keep"; }
    };
    return std::make_unique<SubjectIsKeep>();
  };
  const auto router = make_router(specs, sinks, where);
  auto batch = decoded({
      event("1", "vm.power.on", R"(,"subject":"keep","data":{"Vm":{"Name":"web-1"}})"),  // power, both
      event("2", "vm.power.on", R"(,"subject":"drop","data":{"Vm":{"Name":"web-2"}})"),  // power, rest
      event("3", "vm.power.on", R"(,"subject":"keep","data":{"Vm":{"Name":"db-1"}})"),   // both
      event("4", "host.down"),                                                             // rest
  });
  ASSERT_FALSE(router->route(**batch, context_));
  std::vector<std::pair<std::string, std::string_view>> got;
  for (const OutRecord& record : (*batch)->records) got.emplace_back(record.sink->sink_name(), record.event->id);
  const std::vector<std::pair<std::string, std::string_view>> expected = {
      {"kafka", "1"}, {"rabbit", "1"}, {"kafka", "2"}, {"archive", "2"}, {"rabbit", "3"}, {"archive", "4"}};
  EXPECT_EQ(got, expected);
  EXPECT_EQ((*batch)->filtered, 0u);
}

TEST_F(RouterTest, MakeRouterRejectsAnInvalidPatternNamingTheRoute) {
  RouteSpec bad;
  bad.name = "broken";
  bad.to = {"kafka"};
  bad.match_json = R"({"type":[{"wildcard":"a**b"}]})";
  const SinkLookup sinks = [&](std::string_view) -> SinkQueue* { return &kafka_; };
  try {
    make_router({bad}, sinks, nullptr);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("route 'broken': match: pattern:"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace sluice
