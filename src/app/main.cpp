// sluice: CloudEvents in over HTTP, out to Kafka (and more), with end-to-end acknowledgements.

#include "app/application.hpp"
#include "app/cli.hpp"

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  // A closed stdout (console sink piped into `head`) or a peer reset must be an error code on that
  // write, not the death of the process.
  std::signal(SIGPIPE, SIG_IGN);
  sluice::Command command;
  try {
    command = sluice::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sluice: %s\n(try 'sluice --help')\n", error.what());
    return 2;
  }
  switch (command.verb) {
    case sluice::Command::Verb::help:
      std::fputs(command.help_text.c_str(), stdout);
      return 0;
    case sluice::Command::Verb::version:
      std::printf("sluice %s\n", sluice::version());
      return 0;
    case sluice::Command::Verb::validate:
      return sluice::validate_configuration(command);
    case sluice::Command::Verb::run:
      return sluice::run_pipeline(command);
  }
  return 2;
}
