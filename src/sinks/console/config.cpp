#include "sinks/console/config.hpp"

#include "config/config_node.hpp"

#include <fmt/format.h>

namespace sluice::console {

ConsoleSinkConfig parse_console_sink_config(const ConfigNode& node) {
  ConsoleSinkConfig config;
  const std::string& path = node.path();
  const std::size_t dot = path.rfind('.');
  config.name = dot == std::string::npos ? path : path.substr(dot + 1);
  if (const std::string type = node.string("type", "console"); type != "console") {
    node.fail("type", fmt::format("'{}' given to the console sink", type));
  }
  node.number("budget_share", 1.0, 0.0, 1.0);  // the app's; read here so it is not "unknown"
  config.stream = node.choice("stream", "stdout", {"stdout", "stderr"}) == "stderr" ? ConsoleStream::stderr_stream
                                                                                     : ConsoleStream::stdout_stream;
  config.format = node.choice("format", "structured", {"structured", "binary"}) == "binary"
                      ? OutputFormat::binary
                      : OutputFormat::structured;
  node.reject_unknown_keys();
  return config;
}

}  // namespace sluice::console
