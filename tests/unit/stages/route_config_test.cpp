// parse_routes and the YAML to JSON conversion of `match:`.
#include "stages/route/config.hpp"
#include "stages/route/yaml_json.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

std::vector<RouteSpec> parse(std::string_view yaml, std::vector<std::string> sinks = {}) {
  const ConfigNode root = load_config_text(yaml, "sluice.yaml");
  return parse_routes(root, sinks);
}

std::string error_of(std::string_view yaml, std::vector<std::string> sinks = {}) {
  try {
    (void)parse(yaml, std::move(sinks));
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ParseRoutes, ReadsEveryKey) {
  const auto routes = parse(R"(
routes:
  - name: vm-power
    match: { subject: [VmPoweredOnEvent, VmPoweredOffEvent], data: { Key: [{ numeric: [">", 0, "<=", 9902.5] }] } }
    to: [kafka, archive]
    topic: "vcenter.{subject}"
    key: "{data.Vm.Name}"
    continue: true
    when_full: drop
  - name: cloudstack
    where: "type LIKE 'org.apache.cloudstack.%'"
    to: rabbit
    routing_key: "{source}.{type}"
    when_full: dead_letter
  - name: rest
    to: [kafka]
)",
                            {"kafka", "archive", "rabbit"});
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0].name, "vm-power");
  EXPECT_EQ(routes[0].to, (std::vector<std::string>{"kafka", "archive"}));
  EXPECT_EQ(routes[0].topic, "vcenter.{subject}");
  EXPECT_EQ(routes[0].key, "{data.Vm.Name}");
  EXPECT_TRUE(routes[0].continue_matching);
  EXPECT_EQ(routes[0].when_full, WhenFull::drop);
  EXPECT_EQ(routes[0].match_json,
            R"({"subject":["VmPoweredOnEvent","VmPoweredOffEvent"],"data":{"Key":[{"numeric":[">",0,"<=",9902.5]}]}})");
  EXPECT_TRUE(routes[0].where.empty());
  EXPECT_EQ(routes[1].where, "type LIKE 'org.apache.cloudstack.%'");
  EXPECT_EQ(routes[1].to, (std::vector<std::string>{"rabbit"}));
  EXPECT_EQ(routes[1].topic, "{source}.{type}");
  EXPECT_EQ(routes[1].when_full, WhenFull::dead_letter);
  EXPECT_FALSE(routes[1].continue_matching);
  EXPECT_TRUE(routes[1].match_json.empty());
  EXPECT_TRUE(routes[2].topic.empty());
  EXPECT_EQ(routes[2].when_full, WhenFull::block);
}

TEST(ParseRoutes, NoSectionMeansNoRoutes) { EXPECT_TRUE(parse("sinks: {}\n").empty()); }

TEST(ParseRoutes, EmptyValuesAreAbsentNotUnknown) {
  const auto routes = parse("routes:\n  - name: a\n    to: [kafka]\n    topic:\n    key:\n    match:\n    where:\n");
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_TRUE(routes[0].topic.empty());
  EXPECT_TRUE(routes[0].match_json.empty());
}

TEST(ParseRoutes, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("routes:\n  - to: [kafka]\n"), "sluice.yaml:2: routes[0].name: is required");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafka]\n  - name: a\n    to: [kafka]\n"),
            "sluice.yaml:4: routes[1].name: 'a' is already the name of routes[0]");
  EXPECT_EQ(error_of("routes:\n  - name: a\n"), "sluice.yaml:2: routes[0].to: name at least one sink");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: []\n"), "sluice.yaml:3: routes[0].to: name at least one sink");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafak]\n", {"kafka", "console"}),
            "sluice.yaml:3: routes[0].to: 'kafak' is not a sink (sinks: kafka, console)");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafka, kafka]\n"),
            "sluice.yaml:3: routes[0].to: 'kafka' is listed twice");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafka]\n    topic: \"x.{subjct}\"\n"),
            "sluice.yaml:4: routes[0].topic: template 'x.{subjct}': unknown field 'subjct' at column 3 (allowed: "
            "id, source, specversion, type, datacontenttype, dataschema, subject, time, ext.<name>, data.<path>)");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafka]\n    key: \"{data.Vm\"\n"),
            "sluice.yaml:4: routes[0].key: template '{data.Vm': unbalanced '{' at column 1");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafka]\n    topic: a\n    routing_key: b\n"),
            "sluice.yaml:5: routes[0].routing_key: give either topic or routing_key, not both");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafka]\n    when_full: wait\n"),
            "sluice.yaml:4: routes[0].when_full: 'wait' is not one of block, dead_letter, drop");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafka]\n    continue: maybe\n"),
            "sluice.yaml:4: routes[0].continue: must be true or false");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafka]\n    match: [a]\n"),
            "sluice.yaml:4: routes[0].match: must be a mapping (an EventBridge-style event pattern)");
  EXPECT_EQ(error_of("routes:\n  - name: a\n    to: [kafka]\n    match: { n: [.inf] }\n"),
            "sluice.yaml:4: routes[0].match: '.inf' cannot be written in JSON (quote it to match a string)");
  const std::string unknown = error_of("routes:\n  - name: a\n    to: [kafka]\n    topics: x\n");
  EXPECT_EQ(unknown.rfind("sluice.yaml:4: routes[0].topics: unknown key (allowed here: ", 0), 0u) << unknown;
  EXPECT_EQ(error_of("routes: {a: 1}\n"), "sluice.yaml:1: routes: must be a list");
}

std::string json_of(std::string_view yaml) { return yaml_to_json(YAML::Load(std::string(yaml))); }

TEST(YamlToJson, KeepsScalarTypes) {
  EXPECT_EQ(json_of("{a: 1, b: -2.5, c: true, d: null, e: '1', f: \"true\", g: text, h: ~, i: False}"),
            R"({"a":1,"b":-2.5,"c":true,"d":null,"e":"1","f":"true","g":"text","h":null,"i":false})");
  EXPECT_EQ(json_of("[+1, 007, 0x1F, 0o17, 1e3, .5, 1., -0.0, 12345678901234567890123]"),
            "[1,7,31,15,1e3,0.5,1,-0.0,12345678901234567890123]");
  EXPECT_EQ(json_of("[1.2.3, 0x, yes, no, on, 2001-12-14, 1_000]"),
            R"(["1.2.3","0x","yes","no","on","2001-12-14","1_000"])");
  EXPECT_EQ(json_of("{nested: {list: [{prefix: \"a\\\"b\"}, [x]]}}"),
            R"({"nested":{"list":[{"prefix":"a\"b"},["x"]]}})");
  EXPECT_EQ(json_of("{s: \"tab\\there\\u0001\"}"), R"({"s":"tab\there\u0001"})");
  EXPECT_EQ(json_of("{a: !!str 5}"), R"({"a":"5"})");
  EXPECT_EQ(json_of("{}"), "{}");
  EXPECT_THROW(json_of("[-.inf]"), std::invalid_argument);
  EXPECT_THROW(json_of("[.NaN]"), std::invalid_argument);
  EXPECT_THROW(json_of("{[a]: 1}"), std::invalid_argument);
}

}  // namespace
}  // namespace sluice
