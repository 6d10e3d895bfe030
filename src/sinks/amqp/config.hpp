#pragma once
// The `sinks.<name>` section of an AMQP 0-9-1 (RabbitMQ) sink, parsed and validated at start-up.
//
//   sinks:
//     rabbit:
//       type: amqp
//       url: amqp://sluice@rabbit.example:5672/events     # amqps:// for TLS
//       password: ${RABBIT_PASSWORD}                     # or password_file, or in the url
//       exchange: cloudstack-events
//       exchange_type: topic                             # direct | fanout | topic | headers | x-...
//       declare_exchange: true                           # true | false | passive
//       routing_key: "events"                            # when the route renders none
//       format: structured                               # structured | binary (CloudEvents AMQP binding)
//       header_prefix: "cloudEvents_"                    # or "cloudEvents:" (binary mode)
//       connections: 1                                   # publisher threads, one connection each
//       max_unconfirmed: 1024                            # publisher-confirm window per connection
//       mandatory: true                                  # basic.return for unroutable messages
//       unroutable: fail                                 # fail | drop (when mandatory)
//       tls: { ca_file: ca.pem, cert_file: c.pem, key_file: k.pem, verify_peer: true }
//       budget_share: 0.5                                # read by the app

#include <sluice/api/sink.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {
class ConfigNode;
}

namespace sluice::amqp {

inline constexpr std::string_view kDefaultExchange = "sluice.events";
// AMQP 0-9-1 short strings (exchange names, routing keys, header names) hold at most 255 bytes.
inline constexpr std::size_t kMaxShortString = 255;

enum class DeclareExchange : std::uint8_t { declare, none, passive };
enum class UnroutablePolicy : std::uint8_t { fail, drop };

struct TlsOptions {
  bool enabled = false;  // amqps:// URL
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool verify_peer = true;
  bool verify_hostname = true;
};

struct AmqpSinkConfig {
  std::string name;        // the key under `sinks:`
  std::string key_prefix;  // "sinks.<name>", for messages that name a key

  // Broker address and credentials. `password` is a secret: never log it; log `display_url`.
  std::string host = "localhost";
  int port = 5672;
  std::string vhost = "/";
  std::string user = "guest";
  std::string password = "guest";
  std::string display_url;  // amqp://user@host:port/vhost, without the password
  TlsOptions tls;

  int connections = 1;
  std::uint32_t max_unconfirmed = 1024;

  std::string exchange{kDefaultExchange};
  std::string exchange_type = "topic";
  DeclareExchange declare_exchange = DeclareExchange::declare;
  bool exchange_durable = true;
  std::string routing_key;  // used when a record has no rendered routing key

  OutputFormat format = OutputFormat::structured;
  std::string header_prefix = "cloudEvents_";
  bool persistent = true;  // delivery_mode 2
  bool mandatory = true;
  UnroutablePolicy unroutable = UnroutablePolicy::fail;
  // Records whose message would exceed this fail permanently before publishing: a broker closes
  // the whole channel for an oversized message, which would fail (and loop) every other one.
  std::uint64_t max_message_size = 128ull * 1024 * 1024;  // RabbitMQ's default

  std::chrono::seconds heartbeat{30};
  std::chrono::milliseconds connect_timeout{10'000};
  // A record not confirmed this long after the sink took it fails (retryable); 0 = wait forever.
  std::chrono::milliseconds delivery_timeout{30'000};
  std::chrono::milliseconds reconnect_backoff{100};
  std::chrono::milliseconds reconnect_backoff_max{10'000};
  std::uint32_t frame_max = 131072;
};

// Reads and validates the section; throws ConfigError naming file, line and key.
AmqpSinkConfig parse_amqp_sink_config(const ConfigNode& node);

}  // namespace sluice::amqp
