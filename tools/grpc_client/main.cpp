// sluice-grpc-publish: sends CloudEvents to sluice's gRPC source and reports acks/s, events/s and
// ack latency.
//
//   sluice-grpc-publish --target 127.0.0.1:50051 --streams 4 --batch 100 --count 1000000 --event-size 512

#include "publish_load.hpp"
#include "report.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <exception>
#include <string>

namespace po = boost::program_options;
using sluice::grpc_client::LoadOptions;
using sluice::grpc_client::Mode;

int main(int argc, char** argv) {
  LoadOptions options;
  std::string mode = "stream";
  po::options_description description("sluice-grpc-publish: load sluice's gRPC source");
  description.add_options()
      ("help,h", "show this help")
      ("target", po::value(&options.target)->default_value(options.target), "host:port of the gRPC source")
      ("mode", po::value(&mode)->default_value(mode), "stream (PublishStream) or unary (Publish)")
      ("streams", po::value(&options.streams)->default_value(options.streams),
       "concurrent streams (or unary callers), each on its own connection")
      ("window", po::value(&options.window)->default_value(options.window), "unacked batches per stream")
      ("batch", po::value(&options.batch)->default_value(options.batch), "events per batch")
      ("count", po::value(&options.count)->default_value(options.count), "events in total")
      ("event-size", po::value(&options.event_size)->default_value(options.event_size),
       "approximate bytes per event on the wire")
      ("shared-connection", po::bool_switch(&options.shared_connection), "all streams on one HTTP/2 connection");
  std::uint64_t deadline_ms = static_cast<std::uint64_t>(options.deadline.count());
  description.add_options()("deadline-ms", po::value(&deadline_ms)->default_value(deadline_ms),
                            "deadline of each unary call / each stream");
  try {
    po::variables_map values;
    po::store(po::parse_command_line(argc, argv, description), values);
    if (values.count("help") != 0) {
      std::cout << description << "\n";
      return 0;
    }
    po::notify(values);
    if (mode != "stream" && mode != "unary") throw std::invalid_argument("--mode must be stream or unary");
    if (options.streams == 0 || options.window == 0 || options.batch == 0 || options.count == 0) {
      throw std::invalid_argument("--streams, --window, --batch and --count must be greater than 0");
    }
    options.mode = mode == "stream" ? Mode::stream : Mode::unary;
    options.deadline = std::chrono::milliseconds(deadline_ms);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sluice-grpc-publish: %s (see --help)\n", error.what());
    return 2;
  }

  auto result = sluice::grpc_client::run_load(options);
  const bool clean = result.acks_ok == result.batches_sent && result.rpc_errors == 0 && result.batches_sent > 0;
  std::fputs(sluice::grpc_client::format_report(options, result).c_str(), stdout);
  return clean ? 0 : 1;
}
