#pragma once
// The bench's report: a readable table, and the same numbers as JSON for scripts and CI.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "kafka_verifier.hpp"
#include "load_plan.hpp"
#include "process_stats.hpp"

namespace sluice::bench {

struct RunInfo {
  std::string run_id;
  std::string protocol;   // http
  std::string target;     // URL or address
  std::string content;    // content mode
  std::uint32_t connections = 0;
  std::uint64_t events_per_request = 0;
  std::uint64_t event_size = 0;
  double rate = 0;
  double warmup_seconds = 0;
  std::optional<double> duration_seconds;
  std::optional<std::uint64_t> requests;
  unsigned threads = 1;
};

struct Report {
  RunInfo info;
  const LoadResult* load = nullptr;
  std::optional<VerifyResult> verify;
  std::string verify_target = "Kafka";  // where `verify` looked: Kafka or RabbitMQ
  std::optional<ProcessUsage> sluice;
  double bench_cpu_seconds = 0;  // the bench's own CPU over the whole run, verifier included
  int exit_code = 0;
  std::string verdict;           // one line: why the exit code is what it is
};

void print_table(std::ostream& out, const Report& report);
void print_json(std::ostream& out, const Report& report);

}  // namespace sluice::bench
