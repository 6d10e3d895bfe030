// sluice-bench: drives load into sluice, verifies end-to-end delivery, and reports.
// The flow: verifier first (so it sees everything), process sampler, the load mode, then the
// verifier's catch-up, then the report. See --help for the options.

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "amqp_verifier.hpp"
#include "cli.hpp"
#include "grpc_load.hpp"
#include "http_load.hpp"
#include "kafka_verifier.hpp"
#include "nats_load.hpp"
#include "process_stats.hpp"
#include "report.hpp"
#include "schedule.hpp"
#include "verdict.hpp"

namespace {

using namespace sluice::bench;

constexpr std::chrono::milliseconds kMonitorTick{100};
constexpr std::chrono::milliseconds kSamplePeriod{100};

std::atomic<bool> g_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

// The first SIGINT/SIGTERM ends the load gracefully (the report still comes); a second one kills.
extern "C" void on_signal(int sig) {
  g_stop_requested.store(true, std::memory_order_relaxed);
  std::signal(sig, SIG_DFL);
}

// Whichever verifier the command line asked for (Kafka or RabbitMQ; cli.cpp forbids both).
struct Verifier {
  std::unique_ptr<KafkaVerifier> kafka;
  std::unique_ptr<AmqpVerifier> amqp;

  bool active() const { return kafka || amqp; }
  const char* name() const { return amqp ? "RabbitMQ" : "Kafka"; }
  std::uint64_t seen() const { return amqp ? amqp->seen() : kafka ? kafka->seen() : 0; }
  VerifyResult finish(const IdSet& acked, Seconds timeout) {
    return amqp ? amqp->finish(acked, timeout) : kafka->finish(acked, timeout);
  }
};

// Forwards a signal to the schedule and prints progress lines. The load itself never polls the
// signal flag, so all stop handling stays in one place.
void monitor(const std::stop_token& stop, Schedule& schedule, const LiveCounters& live, const Verifier& verifier,
             Seconds progress_interval) {
  const Clock::time_point start = Clock::now();
  Clock::time_point next_print = start + std::chrono::duration_cast<Clock::duration>(progress_interval);
  std::uint64_t last_acked = 0;
  Clock::time_point last_at = start;
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(kMonitorTick);
    if (g_stop_requested.load(std::memory_order_relaxed)) schedule.stop();
    const Clock::time_point now = Clock::now();
    if (progress_interval.count() <= 0 || now < next_print) continue;
    next_print += std::chrono::duration_cast<Clock::duration>(progress_interval);
    const std::uint64_t acked = live.events_acked.load(std::memory_order_relaxed);
    const double rate = static_cast<double>(acked - last_acked) / Seconds(now - last_at).count();
    last_acked = acked;
    last_at = now;
    std::cerr << fmt::format("[{:7.1f}s] acked {:>12} events ({:>10.0f}/s)  requests {:>9}  rejected {:>9}  failed {:>6}{}\n",
                             Seconds(now - start).count(), acked, rate, live.requests.load(std::memory_order_relaxed),
                             live.events_rejected.load(std::memory_order_relaxed),
                             live.requests_failed.load(std::memory_order_relaxed),
                             verifier.active() ? fmt::format("  {} seen {:>12}", verifier.name(), verifier.seen())
                                               : std::string());
  }
}

// One branch per load mode; cli.cpp validates --protocol against the same list.
LoadResult run_load(const CliOptions& cli, const EventFactory& events, Schedule& schedule, LiveCounters& live) {
  if (cli.protocol == "http") return run_http_load(cli.plan, HttpLoadOptions{cli.url, cli.content}, events, schedule, live);
  if (cli.protocol == "grpc") return run_grpc_load(cli.plan, cli.grpc, events, schedule, live);
  if (cli.protocol == "nats") return run_nats_load(cli.plan, cli.nats, events, schedule, live);
  LoadResult none;
  none.fatal_error = "no load mode '" + cli.protocol + "'";
  return none;
}

// Events per schedule slot: a gRPC batch carries --batch events, a NATS message one.
std::uint64_t events_per_request(const CliOptions& cli) {
  if (cli.protocol == "grpc") return cli.plan.batch;
  if (cli.protocol == "nats") return 1;
  return carries_many_events(cli.content) ? cli.plan.batch : 1;
}

RunInfo run_info(const CliOptions& cli) {
  RunInfo i;
  i.run_id = cli.run_id;
  i.protocol = cli.protocol;
  i.target = cli.url;
  i.content = std::string(to_string(cli.content));
  if (cli.protocol == "grpc") {
    i.target = cli.grpc.target;
    i.content = "PublishStream, window " + std::to_string(cli.grpc.window);
  } else if (cli.protocol == "nats") {
    i.target = cli.nats.url + " " + cli.nats.subject;
    i.content = cli.nats.jetstream ? "structured, JetStream, window " + std::to_string(cli.nats.window)
                                   : "structured, core, flush every " + std::to_string(cli.plan.batch);
  }
  i.connections = cli.plan.connections;
  i.events_per_request = events_per_request(cli);
  i.event_size = cli.event_size;
  i.rate = cli.plan.rate;
  i.warmup_seconds = cli.plan.warmup.count();
  if (cli.plan.duration) i.duration_seconds = cli.plan.duration->count();
  i.requests = cli.plan.requests;
  i.threads = cli.plan.threads;
  return i;
}

}  // namespace

int main(int argc, char** argv) {
  CliOptions cli;
  switch (parse_cli(argc, argv, cli)) {
    case CliStatus::exit_ok: return kExitOk;
    case CliStatus::usage_error: return kExitUsage;
    case CliStatus::run: break;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);  // a server closing mid-write is an error code, not a death

  Verifier verifier;
  if (cli.verify || cli.amqp_verify) {
    std::string error;
    if (cli.verify) verifier.kafka = KafkaVerifier::start(*cli.verify, error);
    if (cli.amqp_verify) verifier.amqp = AmqpVerifier::start(*cli.amqp_verify, error);
    if (!verifier.active()) {
      std::cerr << "sluice-bench: " << error << "\n";
      return kExitFailed;
    }
  }
  std::unique_ptr<ProcessSampler> sampler;
  if (cli.sluice_pid) {
    sampler = std::make_unique<ProcessSampler>(*cli.sluice_pid, kSamplePeriod);
    if (!sampler->ok()) {
      std::cerr << "sluice-bench: cannot read /proc/" << *cli.sluice_pid << " (--sluice-pid)\n";
      return kExitFailed;
    }
  }

  const EventFactory events(cli.run_id, cli.event_size);
  const std::uint64_t per_request = events_per_request(cli);
  if (cli.protocol == "http" && !carries_many_events(cli.content) && cli.plan.batch != 1) {
    std::cerr << "sluice-bench: --mode " << to_string(cli.content) << " sends one event per request; --batch ignored\n";
  }
  const double cpu_before = self_cpu_seconds();
  Schedule schedule(cli.plan, per_request, Clock::now());
  LiveCounters live;
  LoadResult load;
  {
    std::jthread watcher([&](std::stop_token stop) {
      monitor(stop, schedule, live, verifier, cli.progress_interval);
    });
    load = run_load(cli, events, schedule, live);
  }

  Report report;
  report.info = run_info(cli);
  report.load = &load;
  if (sampler) {
    sampler->stop();
    report.sluice = sampler->usage(load.measure_start, load.measure_end);
  }
  if (verifier.active()) {
    if (cli.progress_interval.count() > 0) {
      std::cerr << fmt::format("load done; waiting up to {:.0f} s for {} acknowledged events in {}\n",
                               cli.verify_timeout.count(), load.acked.size(), verifier.name());
    }
    report.verify = verifier.finish(load.acked, cli.verify_timeout);
    report.verify_target = verifier.name();
  }
  report.bench_cpu_seconds = self_cpu_seconds() - cpu_before;

  Verdict verdict = judge(load.fatal_error, load.total.events_acked, report.verify, verifier.name());
  report.exit_code = verdict.exit_code;
  report.verdict = std::move(verdict.text);

  if (cli.json) {
    print_table(std::cerr, report);
    print_json(std::cout, report);
  } else {
    print_table(std::cout, report);
  }
  return report.exit_code;
}
