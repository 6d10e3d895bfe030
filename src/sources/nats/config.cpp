#include "sources/nats/config.hpp"

#include "config/config_node.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>

namespace sluice {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kDefaultWrapType = "io.sluice.nats";
constexpr std::string_view kDefaultWrapSource = "nats://{nats.subject}";

bool has_space(std::string_view text) noexcept {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

void check_subject(const ConfigNode& node, std::string_view key, const std::string& subject) {
  if (has_space(subject))
    node.fail(key, fmt::format("'{}' is not a NATS subject (no spaces or control characters)", subject));
  if (subject.starts_with('.') || subject.ends_with('.') || subject.find("..") != std::string::npos) {
    node.fail(key, fmt::format("'{}' has an empty token (tokens are separated by single dots)", subject));
  }
}

// Stream and consumer names end up in subjects of the JetStream API, so they may not contain
// subject separators or wildcards.
void check_name(const ConfigNode& node, std::string_view key, const std::string& name) {
  if (has_space(name) || name.find_first_of(".*>/\\") != std::string::npos) {
    node.fail(key, fmt::format("'{}' may not contain spaces, '.', '*', '>', '/' or '\\'", name));
  }
}

std::chrono::milliseconds duration_at_least(const ConfigNode& node, std::string_view key,
                                            std::chrono::milliseconds fallback, std::chrono::milliseconds min) {
  const auto value = node.duration(key, fallback);
  if (value < min) node.fail(key, fmt::format("must be at least {}ms", min.count()));
  return value;
}

WrapTemplate compile_template(const ConfigNode& node, std::string_view key, std::string_view fallback) {
  try {
    return WrapTemplate(node.string(key, fallback));
  } catch (const std::invalid_argument& error) {
    node.fail(key, error.what());
  }
}

MessageFormat parse_format(const ConfigNode& node) {
  MessageFormat format;
  const std::string payload = node.choice("payload", "auto", {"auto", "structured", "binary", "wrap"});
  if (payload == "structured") format.payload = PayloadMode::structured;
  if (payload == "binary") format.payload = PayloadMode::binary;
  if (payload == "wrap") format.payload = PayloadMode::wrap;
  if (auto wrap = node.child("wrap")) {
    WrapTemplate type = compile_template(*wrap, "type", kDefaultWrapType);
    WrapTemplate source = compile_template(*wrap, "source", kDefaultWrapSource);
    wrap->reject_unknown_keys();
    format.wrap = std::make_shared<const WrapRenderer>(std::move(type), std::move(source));
  } else if (format.payload == PayloadMode::wrap) {
    // payload: wrap without templates still makes valid events; auto mode wraps only on request.
    format.wrap =
        std::make_shared<const WrapRenderer>(WrapTemplate(kDefaultWrapType), WrapTemplate(kDefaultWrapSource));
  }
  return format;
}

NatsSubscriptionConfig parse_subscription(const ConfigNode& node) {
  NatsSubscriptionConfig config;
  config.key = node.path();
  config.subject = node.required_string("subject");
  check_subject(node, "subject", config.subject);
  config.queue_group = node.string("queue_group", "");
  if (has_space(config.queue_group)) node.fail("queue_group", "may not contain spaces");
  config.pending_messages = static_cast<int>(node.integer("pending_messages", config.pending_messages, 1, INT_MAX));
  const std::uint64_t pending_bytes = node.bytes("pending_bytes", static_cast<std::uint64_t>(config.pending_bytes));
  if (pending_bytes < 1 || pending_bytes > static_cast<std::uint64_t>(INT_MAX)) {
    node.fail("pending_bytes", "must be between 1 byte and 2GiB");
  }
  config.pending_bytes = static_cast<int>(pending_bytes);
  config.format = parse_format(node);
  node.reject_unknown_keys();
  return config;
}

JetStreamConsumerConfig parse_consumer(const ConfigNode& node) {
  JetStreamConsumerConfig config;
  config.key = node.path();
  config.stream = node.required_string("stream");
  check_name(node, "stream", config.stream);
  config.subjects = node.string_list("subjects");
  for (const std::string& subject : config.subjects) check_subject(node, "subjects", subject);
  config.durable = node.required_string("durable");
  check_name(node, "durable", config.durable);
  config.filter_subject = node.string("filter_subject", "");
  if (!config.filter_subject.empty()) check_subject(node, "filter_subject", config.filter_subject);
  config.fetch_batch = static_cast<int>(node.integer("fetch_batch", config.fetch_batch, 1, 10'000));
  config.fetch_timeout = duration_at_least(node, "fetch_timeout", config.fetch_timeout, 50ms);
  config.ack_wait = duration_at_least(node, "ack_wait", config.ack_wait, 500ms);
  config.nak_delay = duration_at_least(node, "nak_delay", config.nak_delay, 0ms);
  config.max_ack_pending = node.integer("max_ack_pending", config.max_ack_pending, 1, 10'000'000);
  config.format = parse_format(node);
  node.reject_unknown_keys();
  return config;
}

NatsTlsConfig parse_tls(const ConfigNode& node) {
  NatsTlsConfig tls;
  tls.ca_file = node.string("ca_file", "");
  tls.cert_file = node.string("cert_file", "");
  tls.key_file = node.string("key_file", "");
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    node.fail(tls.cert_file.empty() ? "cert_file" : "key_file",
              "a client certificate needs both cert_file and key_file");
  }
  node.reject_unknown_keys();
  return tls;
}

}  // namespace

NatsSourceConfig parse_nats_source_config(const ConfigNode& node) {
  NatsSourceConfig config;
  config.key = node.path();
  node.string("type", "nats");
  if (auto urls = node.string_list("url"); !urls.empty()) config.urls = std::move(urls);
  for (const std::string& url : config.urls) {
    if (url.empty() || has_space(url))
      node.fail("url", fmt::format("'{}' is not a server URL (nats://host:port)", url));
  }
  config.connection_name = node.string("name", "");

  config.user = node.string("user", "");
  config.password = node.secret("password");
  config.token = node.secret("token");
  config.credentials_file = node.string("credentials_file", "");
  if (config.password && config.user.empty()) node.fail("password", "needs user");
  if (!config.user.empty() && !config.password) node.fail("user", "needs password (or password_file)");
  const int methods =
      (config.user.empty() ? 0 : 1) + (config.token ? 1 : 0) + (config.credentials_file.empty() ? 0 : 1);
  if (methods > 1) node.fail("credentials_file", "choose one of user/password, token, credentials_file");

  if (auto tls = node.child("tls")) config.tls = parse_tls(*tls);
  config.connect_timeout = duration_at_least(node, "connect_timeout", config.connect_timeout, 10ms);
  config.reconnect_wait = duration_at_least(node, "reconnect_wait", config.reconnect_wait, 10ms);
  config.reconnect_jitter = duration_at_least(node, "reconnect_jitter", config.reconnect_jitter, 0ms);

  for (const ConfigNode& item : node.list("subscriptions")) config.subscriptions.push_back(parse_subscription(item));
  const std::vector<ConfigNode> consumers = node.list("jetstream");
  for (std::size_t i = 0; i < consumers.size(); ++i) {
    config.jetstream.push_back(parse_consumer(consumers[i]));
    for (std::size_t j = 0; j < i; ++j) {
      if (config.jetstream[i].stream == config.jetstream[j].stream &&
          config.jetstream[i].durable == config.jetstream[j].durable) {
        consumers[i].fail("durable",
                          fmt::format("'{}' on stream '{}' is already consumed by {}", config.jetstream[i].durable,
                                      config.jetstream[i].stream, config.jetstream[j].key));
      }
    }
  }
  if (config.subscriptions.empty() && config.jetstream.empty()) {
    node.fail("subscriptions", "give at least one entry in subscriptions or jetstream");
  }
  node.reject_unknown_keys();
  return config;
}

}  // namespace sluice
