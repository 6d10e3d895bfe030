// sluice-kafka-mock: starts a librdkafka mock cluster on 127.0.0.1 and prints
// `bootstrap=127.0.0.1:PORT[,...]` as its first line on stdout, then runs until SIGTERM/SIGINT.
//
//   sluice-kafka-mock [--brokers N] [--partitions P] [--topic T]... [--exit-on-eof]
//
// While it runs it reads fault commands from stdin, one per line (`broker-down 1`, `leader T 0 2`,
// `errors Produce 50 NOT_LEADER_FOR_PARTITION`... see fault_commands.hpp), and answers each with
// one line on stdout, `ok` or `error: ...`. How stdin's end combines with that:
//   - without --exit-on-eof, the end of stdin only ends the commands: the mock keeps running
//     until a signal (so `</dev/null` or a background job in a script behaves as before);
//   - with --exit-on-eof, the end of stdin stops the mock, as `quit` does, so a parent that dies
//     (its end of the pipe closes) takes the mock along even while it was sending commands.

#include "fault_commands.hpp"
#include "sinks/kafka/embedded_broker.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <functional>
#include <mutex>
#include <pthread.h>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

struct Options {
  int brokers = 1;
  int partitions = 4;
  std::vector<std::string> topics;
  bool exit_on_eof = false;
};

[[noreturn]] void usage(const char* problem) {
  std::cerr << "sluice-kafka-mock: " << problem << "\n"
            << "usage: sluice-kafka-mock [--brokers N] [--partitions P] [--topic T]... [--exit-on-eof]\n"
            << "stdin: fault commands, one per line (broker-down ID, broker-up ID, leader TOPIC PARTITION ID,\n"
            << "errors APIKEY COUNT ERROR, rtt ID MS, topic NAME PARTITIONS, ping, quit); answers ok or error: ...\n";
  std::exit(2);
}

int positive(std::string_view flag, const char* text) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 1 || value > 1024) {
    usage((std::string(flag) + " needs a number from 1 to 1024").c_str());
  }
  return static_cast<int>(value);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage((std::string(arg) + " needs a value").c_str());
      return argv[++i];
    };
    if (arg == "--brokers") {
      options.brokers = positive(arg, value());
    } else if (arg == "--partitions") {
      options.partitions = positive(arg, value());
    } else if (arg == "--topic") {
      options.topics.emplace_back(value());
    } else if (arg == "--exit-on-eof") {
      options.exit_on_eof = true;
    } else if (arg == "--help" || arg == "-h") {
      usage("help");
    } else {
      usage((std::string("unknown argument ") + std::string(arg)).c_str());
    }
  }
  return options;
}

// Held while a command runs and while the cluster is torn down, so that a command never runs on
// a destroyed cluster. Never destroyed itself: the detached reader may still wait on it at exit.
std::mutex& cluster_mutex() {
  static auto* mutex = new std::mutex;
  return *mutex;
}

// Reads commands until stdin ends or `quit`; then, with --exit-on-eof or after `quit`, asks the
// main thread to stop. Answers go to stdout after the bootstrap line, one line per command.
void serve_commands(sluice::kafka::EmbeddedBroker& broker, bool exit_on_eof) {
  std::string line;
  bool quit = false;
  while (!quit && std::getline(std::cin, line)) {
    std::lock_guard lock(cluster_mutex());
    const auto outcome = sluice::kafka_mock::run_fault_command(broker.cluster(), broker.broker_count(), line);
    if (outcome.answer.empty()) continue;
    std::fprintf(stderr, "sluice-kafka-mock: %s -> %s\n", line.c_str(), outcome.answer.c_str());
    std::printf("%s\n", outcome.answer.c_str());
    std::fflush(stdout);
    quit = outcome.quit;
  }
  if (quit || exit_on_eof) ::kill(::getpid(), SIGTERM);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);

  // Block the signals in every thread (librdkafka's inherit this mask) and take them in sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    sluice::kafka::EmbeddedBroker broker(options.brokers);
    for (const std::string& topic : options.topics) broker.create_topic(topic, options.partitions);
    std::printf("bootstrap=%s\n", broker.bootstrap_servers().c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "sluice-kafka-mock: %d broker(s) at %s; about 5 MiB kept per partition\n", options.brokers,
                 broker.bootstrap_servers().c_str());

    std::thread(serve_commands, std::ref(broker), options.exit_on_eof).detach();
    int received = 0;
    sigwait(&signals, &received);
    std::fprintf(stderr, "sluice-kafka-mock: stopping (signal %d)\n", received);
    cluster_mutex().lock();  // no command runs while, or after, the cluster is destroyed
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sluice-kafka-mock: %s\n", error.what());
    return 1;
  }
  return 0;
}
