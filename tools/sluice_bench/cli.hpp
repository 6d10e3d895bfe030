#pragma once
// The command line of sluice-bench (Boost.Program_options), validated into one struct.

#include <cstdint>
#include <optional>
#include <string>

#include "amqp_verifier.hpp"
#include "grpc_load.hpp"
#include "http_content.hpp"
#include "kafka_verifier.hpp"
#include "load_plan.hpp"
#include "nats_load.hpp"

namespace sluice::bench {

struct CliOptions {
  std::string protocol = "http";         // http|grpc|nats
  std::string url = "http://127.0.0.1:8080/";
  GrpcLoadOptions grpc;                  // --protocol grpc
  NatsLoadOptions nats;                  // --protocol nats
  ContentMode content = ContentMode::batch;
  std::uint64_t event_size = 400;
  LoadPlan plan;
  std::string run_id;
  std::optional<VerifyOptions> verify;   // set when --kafka-brokers and --kafka-topic are given
  std::optional<AmqpVerifyOptions> amqp_verify;  // set when --amqp-url and --amqp-exchange are given
  Seconds verify_timeout{30};
  std::optional<int> sluice_pid;
  bool json = false;
  Seconds progress_interval{1};          // 0: no progress lines
};

enum class CliStatus { run, exit_ok, usage_error };

// Parses argv into `out`. On exit_ok (--help) the help text has been printed to stdout; on
// usage_error one line saying what is wrong has been printed to stderr.
CliStatus parse_cli(int argc, const char* const* argv, CliOptions& out);

// Eight random hex digits.
std::string random_run_id();

}  // namespace sluice::bench
