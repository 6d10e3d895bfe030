#include "app/cli.hpp"

#include <boost/program_options.hpp>

#include <sstream>
#include <stdexcept>

namespace sluice {

namespace po = boost::program_options;

Command parse_command_line(const std::vector<std::string>& arguments) {
  po::options_description options("Options");
  options.add_options()
      ("config,c", po::value<std::string>(), "configuration file (YAML)")
      ("log-level", po::value<std::string>(), "trace, debug, info, warn, error (overrides log.level)")
      ("help,h", "show this help");
  std::ostringstream help;
  help << "usage: sluice run -c FILE | sluice validate -c FILE | sluice version\n\n"
       << "  run        start the pipeline; SIGTERM/SIGINT drain and exit 0\n"
       << "  validate   check the configuration and exit (0 when valid)\n"
       << "  version    print the version\n\n"
       << options;

  Command command;
  command.help_text = help.str();
  if (arguments.empty()) return command;

  const std::string& verb = arguments.front();
  if (verb == "version" || verb == "--version") {
    command.verb = Command::Verb::version;
    return command;
  }
  if (verb == "help" || verb == "--help" || verb == "-h") return command;
  if (verb == "run") {
    command.verb = Command::Verb::run;
  } else if (verb == "validate") {
    command.verb = Command::Verb::validate;
  } else {
    throw std::invalid_argument("unknown command '" + verb + "' (expected run, validate or version)");
  }

  po::variables_map values;
  try {
    const std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
    po::store(po::command_line_parser(rest).options(options).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    throw std::invalid_argument(error.what());
  }
  if (values.count("help")) {
    command.verb = Command::Verb::help;
    return command;
  }
  if (!values.count("config")) throw std::invalid_argument("missing -c FILE (the configuration file)");
  command.config_file = values["config"].as<std::string>();
  if (values.count("log-level")) command.log_level = values["log-level"].as<std::string>();
  return command;
}

}  // namespace sluice
