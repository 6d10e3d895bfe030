#include "sources/nats/nats_source.hpp"

#include "config/config_node.hpp"
#include "sources/nats/ack_dispatcher.hpp"
#include "sources/nats/core_subscription.hpp"
#include "sources/nats/dead_letter.hpp"
#include "sources/nats/jetstream_consumer.hpp"
#include "sources/nats/nats_connection.hpp"
#include "sources/nats/source_metrics.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <stdexcept>

namespace sluice {
namespace {

using namespace std::chrono_literals;

constexpr auto kHousekeepingTick = 250ms;
constexpr auto kFailureLogInterval = 5s;
constexpr auto kSubscriptionCloseWait = 5s;
constexpr auto kFinalFlush = 2s;

}  // namespace

struct NatsSource::Impl {
  Impl(NatsSourceConfig source_config, SourceContext& source_context)
      : config(std::move(source_config)),
        context(source_context),
        shared(std::make_shared<NatsSourceShared>(context.name, context.telemetry.component("source", context.name))),
        dead_letters(shared),
        connection(config, config.connection_name.empty() ? "sluice-" + context.name : config.connection_name, shared),
        dispatcher(shared, dead_letters) {}

  void housekeeping() noexcept;
  void shut_down() noexcept;

  NatsSourceConfig config;
  SourceContext& context;
  std::shared_ptr<NatsSourceShared> shared;
  CountingDeadLetters dead_letters;
  NatsConnection connection;
  AckDispatcher dispatcher;
  std::vector<std::unique_ptr<CoreSubscription>> subscriptions;
  std::vector<std::unique_ptr<JetStreamConsumer>> consumers;
  std::atomic<bool> connected{false};
  std::atomic<bool> stopped{false};
  natsConnStatus last_status = NATS_CONN_STATUS_CONNECTED;  // housekeeping thread only
};

// The dispatcher thread, every tick: drop counters, connection state, the failure digest.
void NatsSource::Impl::housekeeping() noexcept {
  for (const auto& subscription : subscriptions) subscription->poll_dropped();
  const natsConnStatus status = connection.status();
  connected.store(status == NATS_CONN_STATUS_CONNECTED, std::memory_order_relaxed);
  if (status != last_status) {
    if (status == NATS_CONN_STATUS_CONNECTED) {
      spdlog::info("nats source '{}': reconnected to {}", context.name, connection.servers());
    } else if (last_status == NATS_CONN_STATUS_CONNECTED) {
      spdlog::warn(
          "nats source '{}': lost the connection to {}; reconnecting (core messages published meanwhile are "
          "lost, JetStream resumes)",
          context.name, connection.servers());
    }
    last_status = status;
  }
  try {
    shared->failures.flush(context.name, kFailureLogInterval);
  } catch (...) {
  }
}

NatsSource::NatsSource(NatsSourceConfig config, SourceContext& context)
    : impl_(std::make_unique<Impl>(std::move(config), context)) {}

NatsSource::~NatsSource() { stop(); }

std::string_view NatsSource::name() const noexcept { return impl_->context.name; }

void NatsSource::start() {
  Impl& impl = *impl_;
  impl.connection.connect();
  if (!impl.config.jetstream.empty()) {
    jsCtx* js = impl.connection.jetstream();
    for (const JetStreamConsumerConfig& consumer_config : impl.config.jetstream) {
      auto consumer = std::make_unique<JetStreamConsumer>(consumer_config, impl.shared, impl.context.ingress,
                                                          impl.dispatcher, impl.dead_letters);
      consumer->bind(js);
      impl.consumers.push_back(std::move(consumer));
    }
  }
  for (const NatsSubscriptionConfig& subscription_config : impl.config.subscriptions) {
    auto subscription = std::make_unique<CoreSubscription>(subscription_config, impl.shared, impl.context.ingress);
    subscription->subscribe(impl.connection.get());
    impl.subscriptions.push_back(std::move(subscription));
  }
  // A round trip, so that the server has taken every subscription before we report ready.
  if (!impl.connection.flush(impl.config.connect_timeout)) {
    throw std::runtime_error(fmt::format("{}.url: {} did not confirm the subscriptions within connect_timeout",
                                         impl.config.key, impl.connection.servers()));
  }
  impl.dispatcher.start(kHousekeepingTick, [&impl] { impl.housekeeping(); });
  for (const auto& consumer : impl.consumers) consumer->start();
  impl.connected.store(true, std::memory_order_relaxed);
  spdlog::info("nats source '{}': connected to {} ({} subscription(s), {} JetStream consumer(s))", impl.context.name,
               impl.connection.servers(), impl.subscriptions.size(), impl.consumers.size());
}

bool NatsSource::ready() const noexcept {
  return !impl_->stopped.load(std::memory_order_relaxed) && impl_->connected.load(std::memory_order_relaxed);
}

void NatsSource::stop_accepting() noexcept {
  if (impl_->stopped.load()) return;
  for (const auto& consumer : impl_->consumers) consumer->stop_fetching();
  for (const auto& subscription : impl_->subscriptions) subscription->drain();
}

void NatsSource::stop() noexcept {
  if (impl_->stopped.exchange(true)) return;
  impl_->shut_down();
}

void NatsSource::Impl::shut_down() noexcept {
  for (const auto& consumer : consumers) consumer->stop_fetching();
  for (const auto& subscription : subscriptions) subscription->drain();
  for (const auto& consumer : consumers) consumer->join();
  const auto deadline = std::chrono::steady_clock::now() + kSubscriptionCloseWait;
  std::vector<bool> closed;
  for (const auto& subscription : subscriptions) closed.push_back(subscription->wait_closed(deadline));
  // Settles what the pipeline answered, Naks the rest; then the acks must reach the server
  // before the connection closes. The housekeeping on the dispatcher thread ends here too.
  dispatcher.stop();
  connection.flush(kFinalFlush);
  for (const auto& consumer : consumers) consumer->close();
  for (std::size_t i = 0; i < subscriptions.size(); ++i) {
    if (closed[i]) {
      subscriptions[i]->close();
      continue;
    }
    // Its cnats callback may still run: keep the object (and what it refers to) alive.
    spdlog::warn("nats source '{}': subscription to '{}' did not finish draining", context.name,
                 subscriptions[i]->config().subject);
    (void)subscriptions[i].release();
  }
  connection.close();
  connected.store(false, std::memory_order_relaxed);
}

std::vector<NatsConsumerStats> NatsSource::jetstream_stats() const {
  std::vector<NatsConsumerStats> stats;
  for (const auto& consumer : impl_->consumers) {
    const JetStreamStats s = consumer->stats();
    stats.push_back(
        NatsConsumerStats{s.fetches, s.messages, s.largest_fetch, s.last_fetch, impl_->dispatcher.pending()});
  }
  return stats;
}

std::unique_ptr<Source> make_nats_source(const ConfigNode& node, SourceContext& context) {
  return std::make_unique<NatsSource>(parse_nats_source_config(node), context);
}

}  // namespace sluice
