#include "cli.hpp"

#include "http_load.hpp"

#include <boost/program_options.hpp>
#include <iostream>
#include <random>

#include <fmt/format.h>

namespace sluice::bench {
namespace po = boost::program_options;

namespace {

constexpr std::uint32_t kMaxConnections = 10000;
constexpr std::uint64_t kMaxBatch = 1'000'000;
constexpr std::uint64_t kMaxEventSize = 64ull << 20;
constexpr std::size_t kMaxRunIdLength = 64;

bool valid_run_id(const std::string& id) {
  if (id.empty() || id.size() > kMaxRunIdLength) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                    c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string random_run_id() {
  std::random_device rd;
  return fmt::format("{:08x}", static_cast<std::uint32_t>(rd()));
}

CliStatus parse_cli(int argc, const char* const* argv, CliOptions& out) {
  std::string mode = "batch";
  std::string kafka_format = "auto";
  std::string brokers;
  std::string topic;
  double duration = 0;
  std::uint64_t requests = 0;
  double warmup = 0;
  double verify_timeout = 30;
  double drain_timeout = 30;
  double request_timeout = 60;
  double max_backoff = 1;
  double max_run_time = 600;
  double progress = 1;
  int pid = 0;
  AmqpVerifyOptions amqp;
  unsigned amqp_prefetch = amqp.prefetch;
  unsigned window = 0;

  po::options_description desc(
      "sluice-bench: load generator and end-to-end verifier for sluice\n\n"
      "Sends CloudEvents over N keep-alive connections (one request in flight on each), counts\n"
      "acknowledgements, measures ack latency, and with --kafka-* or --amqp-* checks that every\n"
      "acknowledged event reached the topic or exchange. Exit: 0 ok, 1 acknowledged events missing\n"
      "(loss), 2 usage, 3 the run could not be done (nothing acknowledged, unreachable broker).\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "this help")
    ("protocol", po::value(&out.protocol)->default_value(out.protocol), "load mode: http|grpc|nats")
    ("url", po::value(&out.url)->default_value(out.url), "sluice HTTP source (http://host:port/path)")
    ("target", po::value(&out.grpc.target)->default_value(out.grpc.target), "gRPC: sluice's gRPC source (host:port)")
    ("window", po::value(&window),
     "gRPC: batches in flight per stream (default 8); NATS JetStream: unacked publishes per connection (default 1024)")
    ("nats-url", po::value(&out.nats.url)->default_value(out.nats.url), "NATS: server URL")
    ("subject", po::value(&out.nats.subject)->default_value(out.nats.subject), "NATS: subject to publish to")
    ("jetstream", po::bool_switch(&out.nats.jetstream), "NATS: publish to JetStream, acknowledged = PubAck received")
    ("stream", po::value(&out.nats.stream), "NATS JetStream: create this stream on --subject if missing")
    ("connections,c", po::value(&out.plan.connections)->default_value(out.plan.connections),
     "keep-alive connections (gRPC: streams, NATS: publisher connections)")
    ("batch,b", po::value(&out.plan.batch)->default_value(out.plan.batch),
     "events per request (HTTP batch and ndjson modes, gRPC); NATS core: messages per flush")
    ("event-size", po::value(&out.event_size)->default_value(out.event_size), "approximate bytes per event")
    ("mode", po::value(&mode)->default_value(mode), "HTTP content mode: batch|structured|ndjson|binary")
    ("duration,d", po::value(&duration), "seconds of measured load after the warm-up (default 10 unless --requests)")
    ("requests,n", po::value(&requests), "total requests to send, warm-up included")
    ("rate,r", po::value(&out.plan.rate)->default_value(0), "events/s over all connections, open loop; 0 = as fast as possible")
    ("warmup", po::value(&warmup)->default_value(0), "seconds of load before measuring")
    ("threads", po::value(&out.plan.threads)->default_value(1), "threads running the client event loop")
    ("kafka-brokers", po::value(&brokers), "verify against this Kafka (HOST:PORT); off when not given")
    ("kafka-topic", po::value(&topic), "topic sluice publishes to")
    ("kafka-format", po::value(&kafka_format)->default_value(kafka_format),
     "where the id is: auto (ce_id header, else JSON value)|structured|binary")
    ("amqp-url", po::value(&amqp.url),
     "verify against this RabbitMQ (amqp://user:password@host:port/vhost); off when not given")
    ("amqp-exchange", po::value(&amqp.exchange), "exchange sluice publishes to (declared by sluice; waited for)")
    ("amqp-binding", po::value(&amqp.binding)->default_value(amqp.binding), "binding key of the verifier's queue")
    ("amqp-header-prefix", po::value(&amqp.header_prefix)->default_value(amqp.header_prefix),
     "binary mode: the id is header <prefix>id (structured mode: the JSON \"id\")")
    ("amqp-prefetch", po::value(&amqp_prefetch)->default_value(amqp_prefetch), "the verifier's basic.qos window")
    ("verify-timeout", po::value(&verify_timeout)->default_value(verify_timeout),
     "seconds to wait after the load for every acknowledged event to be seen")
    ("sluice-pid", po::value(&pid), "report this process' CPU per event and peak RSS")
    ("json", po::bool_switch(&out.json), "print the report as JSON on stdout (the table goes to stderr)")
    ("run-id", po::value(&out.run_id), "prefix of every event id (default: random)")
    ("drain-timeout", po::value(&drain_timeout)->default_value(drain_timeout),
     "seconds in-flight requests may take after the load ends")
    ("request-timeout", po::value(&request_timeout)->default_value(request_timeout), "seconds per request")
    ("max-backoff", po::value(&max_backoff)->default_value(max_backoff), "cap in seconds on Retry-After")
    ("max-run-time", po::value(&max_run_time)->default_value(max_run_time), "hard bound on the load in seconds")
    ("progress", po::value(&progress)->default_value(progress), "seconds between progress lines on stderr; 0 = none");
  // clang-format on

  po::variables_map vm;
  const auto fail = [](const std::string& what) {
    std::cerr << "sluice-bench: " << what << " (see --help)\n";
    return CliStatus::usage_error;
  };
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return fail(e.what());
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return CliStatus::exit_ok;
  }

  if (out.protocol != "http" && out.protocol != "grpc" && out.protocol != "nats") {
    return fail("unknown --protocol '" + out.protocol + "' (have: http, grpc, nats)");
  }
  if (out.protocol == "http") {
    if (std::string url_error; !parse_http_url(out.url, url_error)) return fail("--url: " + url_error);
  }
  if (vm.count("window")) {
    if (window == 0 || window > 1'000'000) return fail("--window must be 1..1000000");
    out.grpc.window = window;
    out.nats.window = window;
  }
  if (out.protocol == "grpc" && out.grpc.target.empty()) return fail("--target must be host:port");
  if (out.protocol == "nats" && (out.nats.subject.empty() || out.nats.url.empty())) {
    return fail("--nats-url and --subject must not be empty");
  }
  if (!out.nats.stream.empty() && !out.nats.jetstream) return fail("--stream needs --jetstream");
  const auto content = parse_content_mode(mode);
  if (!content) return fail("unknown --mode '" + mode + "' (batch|structured|ndjson|binary)");
  out.content = *content;
  if (out.plan.connections == 0 || out.plan.connections > kMaxConnections) {
    return fail(fmt::format("--connections must be 1..{}", kMaxConnections));
  }
  if (out.plan.batch == 0 || out.plan.batch > kMaxBatch) return fail(fmt::format("--batch must be 1..{}", kMaxBatch));
  if (out.event_size > kMaxEventSize) return fail("--event-size is too large");
  if (out.plan.threads == 0 || out.plan.threads > 64) return fail("--threads must be 1..64");
  if (out.plan.rate < 0) return fail("--rate must be >= 0");
  if (warmup < 0 || verify_timeout < 0 || drain_timeout < 0 || request_timeout <= 0 || max_backoff < 0 ||
      max_run_time <= 0 || progress < 0) {
    return fail("time options must not be negative");
  }
  if (vm.count("duration") && duration <= 0) return fail("--duration must be > 0");
  if (vm.count("requests") && requests == 0) return fail("--requests must be > 0");
  if (vm.count("duration")) out.plan.duration = Seconds(duration);
  if (vm.count("requests")) out.plan.requests = requests;
  if (!out.plan.duration && !out.plan.requests) out.plan.duration = Seconds(10);
  out.plan.warmup = Seconds(warmup);
  out.plan.drain_timeout = Seconds(drain_timeout);
  out.plan.request_timeout = Seconds(request_timeout);
  out.plan.max_backoff = Seconds(max_backoff);
  out.plan.max_run_time = Seconds(max_run_time);
  out.verify_timeout = Seconds(verify_timeout);
  out.progress_interval = Seconds(progress);

  if (out.run_id.empty()) out.run_id = random_run_id();
  if (!valid_run_id(out.run_id)) return fail("--run-id must be 1-64 of [A-Za-z0-9._-]");

  if (brokers.empty() != topic.empty()) return fail("--kafka-brokers and --kafka-topic go together");
  if (!brokers.empty()) {
    VerifyOptions v;
    v.brokers = brokers;
    v.topic = topic;
    v.run_id = out.run_id;
    if (kafka_format == "auto") {
      v.format = KafkaFormat::automatic;
    } else if (kafka_format == "structured") {
      v.format = KafkaFormat::structured;
    } else if (kafka_format == "binary") {
      v.format = KafkaFormat::binary;
    } else {
      return fail("unknown --kafka-format '" + kafka_format + "' (auto|structured|binary)");
    }
    out.verify = std::move(v);
  }
  if (amqp.url.empty() != amqp.exchange.empty()) return fail("--amqp-url and --amqp-exchange go together");
  if (!amqp.url.empty()) {
    if (out.verify) return fail("verify against Kafka or RabbitMQ, not both");
    if (amqp_prefetch == 0 || amqp_prefetch > 65535) return fail("--amqp-prefetch must be 1..65535");
    amqp.prefetch = static_cast<std::uint16_t>(amqp_prefetch);
    amqp.run_id = out.run_id;
    out.amqp_verify = std::move(amqp);
  }
  if (vm.count("sluice-pid")) {
    if (pid <= 0) return fail("--sluice-pid must be a process id");
    out.sluice_pid = pid;
  }
  return CliStatus::run;
}

}  // namespace sluice::bench
