#pragma once
// The command line: `sluice run -c FILE`, `sluice validate -c FILE`, `sluice version`.

#include <optional>
#include <string>
#include <vector>

namespace sluice {

struct Command {
  enum class Verb { run, validate, version, help };
  Verb verb = Verb::help;
  std::string config_file;
  std::optional<std::string> log_level;  // overrides `log.level`
  std::string help_text;
};

// Throws std::invalid_argument with a one-line message for bad usage.
Command parse_command_line(const std::vector<std::string>& arguments);

}  // namespace sluice
