// A sluice-like process for measuring the gRPC source with sluice-grpc-publish: the real gRPC
// source, the real Pipeline and decode/route stage (one route, every event), and a sink that
// confirms every record at once (an infinitely fast broker). Not a test; run by hand:
//
//   grpc_bench_server 127.0.0.1:50051 [seconds] [workers] [budget_bytes]

#include "config/config_node.hpp"
#include "sources/grpc/grpc_source.hpp"
#include "stages/route/batch_processor.hpp"
#include "stages/route/router.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/core/pipeline.hpp>
#include <sluice/core/sink_queue.hpp>
#include <sluice/core/telemetry.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <string>
#include <future>
#include <mutex>
#include <thread>

int main(int argc, char** argv) {
  using namespace sluice;
  const std::string listen = argc > 1 ? argv[1] : "127.0.0.1:50051";
  const int seconds = argc > 2 ? std::stoi(argv[2]) : 60;
  const std::size_t workers = argc > 3 ? std::stoul(argv[3]) : 0;
  const std::uint64_t budget = argc > 4 ? std::stoull(argv[4]) : 256ull << 20;

  Telemetry telemetry;
  SinkQueue queue("null", 256ull << 20);
  std::vector<Route> routes(1);
  routes[0].name = "all";
  routes[0].sinks.push_back(&queue);
  PipelineOptions options;
  options.workers = workers;
  options.budget_bytes = budget;
  Pipeline pipeline(options, telemetry,
                    make_stage_processor_factory(std::make_shared<const Router>(std::move(routes)), DecodeOptions{}));
  pipeline.start();

  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> delivered{0};
  std::thread sink([&] {
    std::array<OutRecord*, 256> records{};
    while (!stopping.load()) {
      const std::size_t count = queue.pop(records, std::chrono::milliseconds(20));
      for (std::size_t i = 0; i < count; ++i) {
        if (records[i] == nullptr) continue;
        SinkQueue::complete(records[i], DeliveryStatus::delivered);
        delivered.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  SourceContext context{"grpc", pipeline, telemetry, io};
  const ConfigNode config = load_config_text(fmt::format("type: grpc\nlisten: \"{}\"\n", listen), "bench.yaml");
  GrpcSource source(parse_grpc_source_config(config), context);
  source.start();
  std::printf("grpc_bench_server on %s (port %u), %zu workers, budget %llu bytes, for %d s\n", listen.c_str(),
              source.port(), pipeline.worker_count(), static_cast<unsigned long long>(budget), seconds);
  std::fflush(stdout);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer timer(io, std::chrono::seconds(seconds));
  std::promise<void> done;
  std::once_flag once;
  auto finish = [&] { std::call_once(once, [&] { done.set_value(); }); };
  signals.async_wait([&](auto, int) { timer.cancel(); finish(); });
  timer.async_wait([&](auto) { signals.cancel(); finish(); });
  done.get_future().wait();

  source.stop_accepting();
  pipeline.drain(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  source.stop();
  stopping = true;
  queue.wake_consumer();
  sink.join();
  pipeline.stop();
  work.reset();
  io.stop();
  io_thread.join();
  std::printf("delivered %llu events, %llu batches admitted\n", static_cast<unsigned long long>(delivered.load()),
              static_cast<unsigned long long>(source.batches_admitted()));
  return 0;
}
