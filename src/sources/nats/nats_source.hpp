#pragma once
// The NATS source (DESIGN §3): core NATS subscriptions (at-most-once; bounded pending limits,
// drops counted) and durable JetStream pull consumers (at-least-once; a message is acked only
// after every sink confirmed its events, Nak'ed with a delay when a sink failed, terminated when
// undecodable). Each NATS message becomes one IngressBatch. cnats stays behind the pimpl: this
// header does not include nats.h.

#include "sources/nats/config.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/api/source.hpp>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace sluice {

class ConfigNode;

// Per JetStream consumer, in configuration order (tests, /stats).
struct NatsConsumerStats {
  std::uint64_t fetches = 0;        // fetch requests that returned messages
  std::uint64_t messages = 0;       // messages fetched, redeliveries included
  std::uint64_t largest_fetch = 0;  // the largest fetch size asked for (it follows the free budget)
  std::uint64_t last_fetch = 0;
  std::uint64_t pending = 0;  // deliveries waiting for their batch's outcome (whole source)
};

// Thread-safety: start/stop_accepting/stop from the main thread; ready/jetstream_stats from any.
// Lifetime: `context` (ingress port, telemetry) must outlive the source and every batch it
// submitted. Batches still in the pipeline after stop() may complete later; their outcomes are
// then ignored (the messages were Nak'ed at stop()).
class NatsSource final : public Source {
 public:
  NatsSource(NatsSourceConfig config, SourceContext& context);
  ~NatsSource() override;
  NatsSource(const NatsSource&) = delete;
  NatsSource& operator=(const NatsSource&) = delete;

  std::string_view name() const noexcept override;
  // Connects, creates/binds streams and consumers, subscribes, starts the fetch threads. Throws
  // std::runtime_error with one line naming the config key when it cannot.
  void start() override;
  // True while connected to a server.
  bool ready() const noexcept override;
  // Stops fetching and drains the core subscriptions; outcomes of batches in flight are still
  // settled (acks go on).
  void stop_accepting() noexcept override;
  // After the pipeline drained: settles the last outcomes, Naks what is still unconfirmed, flushes
  // and closes the connection.
  void stop() noexcept override;

  std::vector<NatsConsumerStats> jetstream_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Factory for the component list: `node` is the source's mapping under `sources:`.
std::unique_ptr<Source> make_nats_source(const ConfigNode& node, SourceContext& context);

}  // namespace sluice
