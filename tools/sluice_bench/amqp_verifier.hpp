#pragma once
// Checks the end-to-end promise against RabbitMQ: every event sluice acknowledged must have been
// routed by the exchange. Before the load, an exclusive auto-delete server-named queue is bound to
// the exchange; a consumer on a thread of its own reads it with a prefetch window while the load
// runs (acking as it goes, so the queue never grows) and records which ids of this run it has
// seen. After the load, finish() keeps consuming until every acknowledged id has been seen or the
// timeout passes. The bookkeeping and the result are the Kafka verifier's, so the report is too.
//
// Thread-safety: start() and finish() from one thread; seen() from any.

#include <cstdint>
#include <memory>
#include <string>

#include "id_set.hpp"
#include "kafka_verifier.hpp"
#include "load_plan.hpp"

namespace sluice::bench {

struct AmqpVerifyOptions {
  std::string url;                         // amqp://user:password@host:port/vhost
  std::string exchange;                    // declared by sluice; only checked here (passive)
  std::string binding = "#";               // binding key of the verifier's queue
  std::string header_prefix = "cloudEvents_";  // binary mode: the id is header <prefix>id
  std::string run_id;
  std::uint16_t prefetch = 2048;           // basic.qos window
  Seconds connect_timeout{10};             // also how long to wait for the exchange to appear
};

class AmqpVerifier {
 public:
  // Connects, waits for the exchange, binds the queue and starts consuming. nullptr with `error`
  // set when the broker or the exchange is not there within options.connect_timeout.
  static std::unique_ptr<AmqpVerifier> start(const AmqpVerifyOptions& options, std::string& error);
  ~AmqpVerifier();
  AmqpVerifier(const AmqpVerifier&) = delete;
  AmqpVerifier& operator=(const AmqpVerifier&) = delete;

  // Blocks until every member of `acked` has been seen or `timeout` has passed. Call once.
  VerifyResult finish(const IdSet& acked, Seconds timeout);

  // Distinct ids of this run seen so far, for progress lines.
  std::uint64_t seen() const;

 private:
  struct Impl;
  explicit AmqpVerifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::bench
