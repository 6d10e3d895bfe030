#pragma once
// The load of sluice-grpc-publish: N concurrent streams (or unary callers), each sending its share
// of the events in batches and timing every batch from send to ack.
//
// Thread-safety: run_load() spawns and joins its own threads; nothing is shared with the caller
// until it returns.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::grpc_client {

enum class Mode { stream, unary };

struct LoadOptions {
  std::string target = "127.0.0.1:50051";
  Mode mode = Mode::stream;
  unsigned streams = 4;             // concurrent streams, or concurrent unary callers
  unsigned window = 8;              // unacked batches per stream (streams only)
  std::uint32_t batch = 100;        // events per batch
  std::uint64_t count = 100'000;    // events in total, split across streams
  std::uint32_t event_size = 512;   // approximate bytes per event on the wire
  std::chrono::milliseconds deadline{60'000};  // per unary call / per stream
  bool shared_connection = false;   // all streams on one HTTP/2 connection
};

struct LoadResult {
  std::uint64_t batches_sent = 0;
  std::uint64_t events_sent = 0;
  std::uint64_t wire_bytes = 0;
  std::uint64_t acks_ok = 0;
  std::uint64_t events_acked = 0;  // events of OK acks
  std::uint64_t acks_invalid = 0;
  std::uint64_t acks_unavailable = 0;
  std::uint64_t acks_overloaded = 0;
  std::uint64_t rpc_errors = 0;    // calls or streams that ended with a non-OK status
  std::string first_error;         // the first non-OK status or ack reason
  std::vector<double> latencies_ms;  // send to ack, one per acked batch
  std::chrono::duration<double> elapsed{};
};

LoadResult run_load(const LoadOptions& options);

}  // namespace sluice::grpc_client
