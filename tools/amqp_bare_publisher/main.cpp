// sluice-amqp-bare-publisher: see CMakeLists.txt. Usage:
//   sluice-amqp-bare-publisher [--url=amqp://guest:guest@127.0.0.1:5672/%2f] [--count=100000]
//       [--size=1024] [--window=1024] [--exchange=sluice.bench] [--routing-key=bench.key]
//       [--queue=sluice.bench] [--persistent=1] [--mandatory=1] [--via-sink=0] [--connections=1]
//       [--format=binary|structured]   (via-sink only; structured forwards the payload as the event JSON)
// --queue declares a durable queue bound to the exchange and purges it first ("" for none), so
// messages are routed and (when persistent) written to disk as in production.

#include "config/config_node.hpp"
#include "sinks/amqp/amqp_sink.hpp"

#include <sluice/core/telemetry.hpp>

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string url = "amqp://guest:guest@127.0.0.1:5672/%2f";
  long count = 100000;
  long size = 1024;
  long window = 1024;
  std::string exchange = "sluice.bench";
  std::string routing_key = "bench.key";
  std::string queue = "sluice.bench";
  bool persistent = true;
  bool mandatory = true;
  bool via_sink = false;
  long connections = 1;
  std::string format = "binary";  // via-sink: binary (data as body, cloudEvents_* headers) or structured
};

Options parse(int argc, char** argv) {
  Options options;
  std::map<std::string, std::string> values;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::puts(
          "sluice-amqp-bare-publisher [--url=URL] [--count=N] [--size=BYTES] [--window=W] [--exchange=X]\n"
          "    [--routing-key=K] [--queue=Q|''] [--persistent=0|1] [--mandatory=0|1] [--via-sink=0|1]\n"
          "    [--connections=N] [--format=binary|structured]");
      std::exit(0);
    }
    const auto eq = arg.find('=');
    if (!arg.starts_with("--") || eq == std::string::npos) throw std::runtime_error("expected --key=value: " + arg);
    values[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
  auto take = [&](const char* key, auto& target) {
    auto found = values.find(key);
    if (found == values.end()) return;
    if constexpr (std::is_same_v<std::decay_t<decltype(target)>, std::string>) {
      target = found->second;
    } else if constexpr (std::is_same_v<std::decay_t<decltype(target)>, bool>) {
      target = found->second == "1" || found->second == "true";
    } else {
      target = std::stol(found->second);
    }
    values.erase(found);
  };
  take("url", options.url);
  take("count", options.count);
  take("size", options.size);
  take("window", options.window);
  take("exchange", options.exchange);
  take("routing-key", options.routing_key);
  take("queue", options.queue);
  take("persistent", options.persistent);
  take("mandatory", options.mandatory);
  take("via-sink", options.via_sink);
  take("connections", options.connections);
  take("format", options.format);
  if (options.format != "binary" && options.format != "structured") {
    throw std::runtime_error("--format must be binary or structured");
  }
  if (!values.empty()) throw std::runtime_error("unknown option --" + values.begin()->first);
  if (options.count <= 0 || options.size < 0 || options.window <= 0) throw std::runtime_error("bad numbers");
  return options;
}

void check(amqp_connection_state_t connection, const char* what) {
  const amqp_rpc_reply_t reply = amqp_get_rpc_reply(connection);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) throw std::runtime_error(std::string(what) + " failed");
}

amqp_connection_state_t open(const Options& options) {
  std::vector<char> url(options.url.begin(), options.url.end());
  url.push_back('\0');
  amqp_connection_info info;
  amqp_default_connection_info(&info);
  if (amqp_parse_url(url.data(), &info) != AMQP_STATUS_OK) throw std::runtime_error("bad --url");
  amqp_connection_state_t connection = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(connection);
  timeval timeout{10, 0};
  if (amqp_socket_open_noblock(socket, info.host, info.port, &timeout) != AMQP_STATUS_OK) {
    throw std::runtime_error("cannot connect to " + std::string(info.host) + ":" + std::to_string(info.port));
  }
  const amqp_rpc_reply_t login =
      amqp_login(connection, info.vhost, 0, 131072, 30, AMQP_SASL_METHOD_PLAIN, info.user, info.password);
  if (login.reply_type != AMQP_RESPONSE_NORMAL) throw std::runtime_error("login failed");
  amqp_channel_open(connection, 1);
  check(connection, "channel.open");
  return connection;
}

// The exchange and (optionally) a durable, purged queue bound to it.
void prepare(const Options& options) {
  amqp_connection_state_t connection = open(options);
  amqp_exchange_declare(connection, 1, amqp_cstring_bytes(options.exchange.c_str()), amqp_cstring_bytes("topic"), 0,
                        1, 0, 0, amqp_empty_table);
  check(connection, "exchange.declare");
  if (!options.queue.empty()) {
    amqp_queue_declare(connection, 1, amqp_cstring_bytes(options.queue.c_str()), 0, 1, 0, 0, amqp_empty_table);
    check(connection, "queue.declare");
    amqp_queue_bind(connection, 1, amqp_cstring_bytes(options.queue.c_str()),
                    amqp_cstring_bytes(options.exchange.c_str()), amqp_cstring_bytes(options.routing_key.c_str()),
                    amqp_empty_table);
    check(connection, "queue.bind");
    amqp_queue_purge(connection, 1, amqp_cstring_bytes(options.queue.c_str()));
    check(connection, "queue.purge");
  }
  amqp_connection_close(connection, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(connection);
}

// The same loop as the sink's publisher, minus sluice: publish while the window has room, read
// frames without blocking in between, block on frames only when the window is full.
double run_bare(const Options& options) {
  amqp_connection_state_t connection = open(options);
  amqp_confirm_select(connection, 1);
  check(connection, "confirm.select");
  const std::string body(static_cast<std::size_t>(options.size), 'x');
  amqp_basic_properties_t properties{};
  properties._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
  properties.delivery_mode = options.persistent ? AMQP_DELIVERY_PERSISTENT : AMQP_DELIVERY_NONPERSISTENT;
  properties.content_type = amqp_cstring_bytes("application/octet-stream");
  const amqp_bytes_t exchange = amqp_cstring_bytes(options.exchange.c_str());
  const amqp_bytes_t routing_key = amqp_cstring_bytes(options.routing_key.c_str());
  const amqp_bytes_t payload{body.size(), const_cast<char*>(body.data())};

  std::uint64_t published = 0;
  std::uint64_t confirmed = 0;  // highest tag such that every tag up to it is confirmed (approx.)
  std::uint64_t settled = 0;
  std::vector<bool> done(static_cast<std::size_t>(options.count) + 1, false);
  const auto began = Clock::now();
  while (settled < static_cast<std::uint64_t>(options.count)) {
    while (published < static_cast<std::uint64_t>(options.count) &&
           published - settled < static_cast<std::uint64_t>(options.window)) {
      if (amqp_basic_publish(connection, 1, exchange, routing_key, options.mandatory ? 1 : 0, 0, &properties,
                             payload) != AMQP_STATUS_OK) {
        throw std::runtime_error("publish failed");
      }
      ++published;
    }
    const bool full = published - settled >= static_cast<std::uint64_t>(options.window) ||
                      published == static_cast<std::uint64_t>(options.count);
    timeval wait{0, full ? 100000 : 0};
    for (bool first = true;; first = false) {
      timeval none{0, 0};
      amqp_frame_t frame;
      const int status = amqp_simple_wait_frame_noblock(connection, &frame, first ? &wait : &none);
      if (status == AMQP_STATUS_TIMEOUT) break;
      if (status != AMQP_STATUS_OK) throw std::runtime_error("connection lost");
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      std::uint64_t tag = 0;
      bool multiple = false;
      if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
        const auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        tag = ack->delivery_tag;
        multiple = ack->multiple != 0;
      } else if (frame.payload.method.id == AMQP_BASIC_NACK_METHOD) {
        const auto* nack = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
        tag = nack->delivery_tag;
        multiple = nack->multiple != 0;
      } else if (frame.payload.method.id == AMQP_BASIC_RETURN_METHOD) {
        amqp_message_t message;
        amqp_read_message(connection, frame.channel, &message, 0);
        amqp_destroy_message(&message);
        continue;
      } else {
        continue;
      }
      const std::uint64_t first_tag = multiple ? confirmed + 1 : tag;
      for (std::uint64_t t = first_tag; t <= tag; ++t) {
        if (!done[t]) {
          done[t] = true;
          ++settled;
        }
      }
      while (confirmed + 1 < done.size() && done[confirmed + 1]) ++confirmed;
    }
    amqp_maybe_release_buffers(connection);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  amqp_connection_close(connection, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(connection);
  return seconds;
}

// The same messages through the AMQP sink alone (no HTTP, no decoding): batches of 100 records
// of binary-mode events whose data is `size` bytes.
class CountingToken final : public sluice::AckToken {
 public:
  CountingToken(std::atomic<long>& done, std::atomic<long>& failed) : done_(done), failed_(failed) {}
  void complete(sluice::BatchOutcome outcome) noexcept override {
    if (outcome.status != sluice::BatchOutcome::Status::delivered) failed_.fetch_add(1);
    done_.fetch_add(1);
  }

 private:
  std::atomic<long>& done_;
  std::atomic<long>& failed_;
};

double run_via_sink(const Options& options) {
  spdlog::set_level(spdlog::level::warn);
  sluice::Telemetry telemetry;
  sluice::SinkContext context{"bench", telemetry, 1ull << 32};
  const std::string yaml = fmt::format(
      "sinks:\n  bench:\n    type: amqp\n    url: '{}'\n    exchange: {}\n    routing_key: {}\n    format: {}\n"
      "    max_unconfirmed: {}\n    connections: {}\n    persistent: {}\n    mandatory: {}\n",
      options.url, options.exchange, options.routing_key, options.format, options.window, options.connections,
      options.persistent ? "true" : "false", options.mandatory ? "true" : "false");
  const sluice::ConfigNode root = sluice::load_config_text(yaml, "bench");
  auto sink = sluice::make_amqp_sink(*root.child("sinks")->child("bench"), context);
  sink->start();

  constexpr long kPerBatch = 100;
  const std::string data(static_cast<std::size_t>(options.size), 'x');
  std::atomic<long> done{0};
  std::atomic<long> failed{0};
  std::vector<std::vector<sluice::OutRecord*>> batches;
  for (long first = 0; first < options.count; first += kPerBatch) {
    const long n = std::min(kPerBatch, options.count - first);
    auto* batch = new sluice::IngressBatch("bench", sluice::ContentMode::binary, sluice::PaddedBuffer::copy_of(data),
                                           std::make_unique<CountingToken>(done, failed), sluice::AdmissionLease{});
    batch->events.resize(static_cast<std::size_t>(n));
    batch->records.resize(static_cast<std::size_t>(n));
    std::vector<sluice::OutRecord*> pointers;
    for (long i = 0; i < n; ++i) {
      sluice::Event& event = batch->events[static_cast<std::size_t>(i)];
      event.id = batch->arena.copy(std::to_string(first + i));
      event.source = "/bench";
      event.specversion = "1.0";
      event.type = "bench";
      event.datacontenttype = "application/octet-stream";
      event.data_kind = sluice::DataKind::binary;
      event.data = batch->body().view();
      if (options.format == "structured") event.structured_json = event.data;  // forwarded as is
      sluice::OutRecord& record = batch->records[static_cast<std::size_t>(i)];
      record.batch = batch;
      record.event = &event;
      record.sink = &sink->queue();
      record.bytes = static_cast<std::uint32_t>(options.size);
      pointers.push_back(&record);
    }
    batch->start_delivery();
    batches.push_back(std::move(pointers));
  }
  const long total = static_cast<long>(batches.size());
  const auto began = Clock::now();
  for (auto& pointers : batches) {
    if (!sink->queue().push_until(pointers, Clock::now() + std::chrono::seconds(60))) {
      throw std::runtime_error("sink queue stayed full for 60s");
    }
  }
  while (done.load() < total) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  sink->stop(Clock::now() + std::chrono::seconds(5));
  if (failed.load() > 0) std::fprintf(stderr, "%ld batches failed\n", failed.load());
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    prepare(options);
    const double seconds = options.via_sink ? run_via_sink(options) : run_bare(options);
    const double rate = static_cast<double>(options.count) / seconds;
    const std::string mode =
        options.via_sink ? fmt::format("via sink ({}, {} connection(s))", options.format, options.connections) : "bare";
    std::printf("%s: %ld messages of %ld bytes, window %ld: %.0f msgs/s, %.1f MiB/s (%.2f s)\n", mode.c_str(),
                options.count, options.size, options.window, rate,
                rate * static_cast<double>(options.size) / (1024.0 * 1024.0), seconds);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sluice-amqp-bare-publisher: %s\n", error.what());
    return 1;
  }
}
