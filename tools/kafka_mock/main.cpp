// sluice-kafka-mock: starts a librdkafka mock cluster on 127.0.0.1 and prints
// `bootstrap=127.0.0.1:PORT[,...]` as its first line on stdout, then runs until SIGTERM/SIGINT
// (or, with --exit-on-eof, until stdin closes, so a parent that dies takes it along).
//
//   sluice-kafka-mock [--brokers N] [--partitions P] [--topic T]... [--exit-on-eof]

#include "sinks/kafka/embedded_broker.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
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
            << "usage: sluice-kafka-mock [--brokers N] [--partitions P] [--topic T]... [--exit-on-eof]\n";
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

    if (options.exit_on_eof) {
      std::thread([] {
        char buffer[256];
        while (::read(STDIN_FILENO, buffer, sizeof(buffer)) > 0) {
        }
        ::kill(::getpid(), SIGTERM);
      }).detach();
    }
    int received = 0;
    sigwait(&signals, &received);
    std::fprintf(stderr, "sluice-kafka-mock: stopping (signal %d)\n", received);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sluice-kafka-mock: %s\n", error.what());
    return 1;
  }
  return 0;
}
