#include "app/component_list.hpp"

#include "sinks/amqp/amqp_sink.hpp"
#include "sinks/console/console_sink.hpp"
#include "sinks/kafka/kafka_sink.hpp"
#include "sources/grpc/grpc_source.hpp"
#include "sources/http/http_source.hpp"
#include "sources/nats/nats_source.hpp"

namespace sluice {

// A new component is one folder and one line in one of these tables.

std::unique_ptr<Source> make_source(const ConfigNode& node, SourceContext& context) {
  if (!node.has("type")) node.fail("type", "is required (one of: http, grpc, nats)");
  const std::string type = node.choice("type", "", {"http", "grpc", "nats"});
  if (type == "http") return make_http_source(node, context);
  if (type == "grpc") return make_grpc_source(node, context);
  if (type == "nats") return make_nats_source(node, context);
  return nullptr;
}

std::unique_ptr<Sink> make_sink(const ConfigNode& node, SinkContext& context) {
  if (!node.has("type")) node.fail("type", "is required (one of: kafka, amqp, console)");
  const std::string type = node.choice("type", "", {"kafka", "amqp", "console"});
  if (type == "kafka") return make_kafka_sink(node, context);
  if (type == "amqp") return make_amqp_sink(node, context);
  if (type == "console") return make_console_sink(node, context);
  return nullptr;
}

}  // namespace sluice
