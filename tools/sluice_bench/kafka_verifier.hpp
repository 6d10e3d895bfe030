#pragma once
// Checks the end-to-end promise against Kafka: every event sluice acknowledged must be in the
// topic. A librdkafka consumer is started before the load (at the partitions' high watermarks, or
// from the beginning of a topic that does not exist yet), consumes while the load runs (the mock
// cluster keeps only ~5 MiB per partition), and records which ids of this run it has seen. After
// the load, finish() keeps consuming until every acknowledged id has been seen or the timeout
// passes.
//
// Thread-safety: start() and finish() from one thread; seen() from any. The consumer runs on a
// thread of its own, owned by this object.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "id_set.hpp"
#include "load_plan.hpp"

namespace sluice::bench {

enum class KafkaFormat { automatic, structured, binary };

struct VerifyOptions {
  std::string brokers;
  std::string topic;
  std::string run_id;
  KafkaFormat format = KafkaFormat::automatic;
  Seconds connect_timeout{10};
};

struct VerifyResult {
  std::uint64_t acked = 0;          // events the load saw acknowledged
  std::uint64_t seen = 0;           // distinct events of this run found in the topic
  std::uint64_t missing = 0;        // acknowledged but not found: LOSS
  std::uint64_t duplicates = 0;     // extra copies of events of this run
  std::uint64_t unacked_seen = 0;   // found but never acknowledged (rejected or abandoned requests)
  std::uint64_t messages = 0;       // every message consumed
  std::uint64_t foreign = 0;        // messages without an id of this run
  std::uint64_t consumer_errors = 0;
  std::uint64_t skipped_offsets = 0;  // messages deleted by retention before they were read
  std::string first_error;
  std::vector<std::string> missing_examples;  // a few missing ids, to grep sluice's logs for
  double wait_seconds = 0;          // from finish() until every acked id was seen (or the timeout)
  bool complete = false;            // every acknowledged id was seen
};

class KafkaVerifier {
 public:
  // Connects, records where to start, and starts consuming. nullptr with `error` set when the
  // brokers cannot be reached within options.connect_timeout.
  static std::unique_ptr<KafkaVerifier> start(const VerifyOptions& options, std::string& error);
  ~KafkaVerifier();
  KafkaVerifier(const KafkaVerifier&) = delete;
  KafkaVerifier& operator=(const KafkaVerifier&) = delete;

  // Blocks until every member of `acked` has been seen or `timeout` has passed. Call once.
  VerifyResult finish(const IdSet& acked, Seconds timeout);

  // Distinct ids of this run seen so far, for progress lines.
  std::uint64_t seen() const;

 private:
  struct Impl;
  explicit KafkaVerifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::bench
