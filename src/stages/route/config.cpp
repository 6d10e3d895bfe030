#include "stages/route/config.hpp"

#include "stages/route/template.hpp"
#include "stages/route/yaml_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace sluice {
namespace {

std::string join(std::span<const std::string> names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

void check_template(const ConfigNode& node, std::string_view key, const std::string& text) {
  try {
    (void)Template::compile(text);
  } catch (const TemplateError& error) {
    node.fail(key, fmt::format("template '{}': {}", text, error.what()));
  }
}

WhenFull parse_when_full(const ConfigNode& node) {
  const std::string value = node.choice("when_full", "block", {"block", "dead_letter", "drop"});
  if (value == "drop") return WhenFull::drop;
  if (value == "dead_letter") return WhenFull::dead_letter;
  return WhenFull::block;
}

}  // namespace

std::optional<DeadLetterSpec> parse_dead_letter(const ConfigNode& root, std::span<const std::string> known_sinks) {
  const std::optional<ConfigNode> node = root.child("dead_letter");
  if (!node) return std::nullopt;
  DeadLetterSpec spec;
  spec.sink = node->required_string("sink");
  if (!known_sinks.empty() && std::find(known_sinks.begin(), known_sinks.end(), spec.sink) == known_sinks.end()) {
    node->fail("sink", fmt::format("'{}' is not a sink (sinks: {})", spec.sink, join(known_sinks)));
  }
  spec.topic = node->string("topic", "");
  spec.invalid = node->boolean("invalid", spec.invalid);
  spec.rejected = node->boolean("rejected", spec.rejected);
  spec.missing_fields = node->boolean("missing_fields", spec.missing_fields);
  spec.unrouted = node->boolean("unrouted", spec.unrouted);
  node->reject_unknown_keys();
  return spec;
}

std::vector<RouteSpec> parse_routes(const ConfigNode& root, std::span<const std::string> known_sinks) {
  std::vector<RouteSpec> specs;
  std::map<std::string, std::string, std::less<>> seen;  // name -> path of its first definition
  for (const ConfigNode& node : root.list("routes")) {
    RouteSpec spec;
    spec.name = node.required_string("name");
    if (auto first = seen.find(spec.name); first != seen.end()) {
      node.fail("name", fmt::format("'{}' is already the name of {}", spec.name, first->second));
    }
    seen.emplace(spec.name, node.path());

    spec.to = node.string_list("to");
    if (spec.to.empty()) node.fail("to", "name at least one sink");
    for (const auto& sink : spec.to) {
      if (sink.empty()) node.fail("to", "sink names must not be empty");
      if (!known_sinks.empty() && std::find(known_sinks.begin(), known_sinks.end(), sink) == known_sinks.end()) {
        node.fail("to", fmt::format("'{}' is not a sink (sinks: {})", sink, join(known_sinks)));
      }
      if (std::count(spec.to.begin(), spec.to.end(), sink) > 1) {
        node.fail("to", fmt::format("'{}' is listed twice", sink));
      }
    }

    // AMQP users think in routing keys; both names fill the same template.
    const std::string topic = node.string("topic", "");
    const std::string routing_key = node.string("routing_key", "");
    if (!topic.empty() && !routing_key.empty()) node.fail("routing_key", "give either topic or routing_key, not both");
    spec.topic = routing_key.empty() ? topic : routing_key;
    check_template(node, routing_key.empty() ? "topic" : "routing_key", spec.topic);
    spec.key = node.string("key", "");
    check_template(node, "key", spec.key);

    spec.continue_matching = node.boolean("continue", false);
    spec.when_full = parse_when_full(node);

    const YAML::Node match = node.raw("match");
    if (match.IsDefined() && !match.IsNull()) {
      if (!match.IsMap()) node.fail("match", "must be a mapping (an EventBridge-style event pattern)");
      try {
        spec.match_json = yaml_to_json(match);
      } catch (const std::invalid_argument& error) {
        node.fail("match", error.what());
      }
    }
    spec.where = node.string("where", "");

    node.reject_unknown_keys();
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace sluice
