#pragma once
// The `sinks.<name>` section of a console sink.
//
//   sinks:
//     console:
//       type: console
//       stream: stdout        # stdout | stderr
//       format: structured    # structured: one CloudEvents JSON object per line (NDJSON)
//                             # binary: the event's data only, one per line
//       budget_share: 0.1     # read by the app

#include <sluice/api/sink.hpp>

#include <cstdint>
#include <string>

namespace sluice {
class ConfigNode;
}

namespace sluice::console {

enum class ConsoleStream : std::uint8_t { stdout_stream, stderr_stream };

struct ConsoleSinkConfig {
  std::string name;
  ConsoleStream stream = ConsoleStream::stdout_stream;
  OutputFormat format = OutputFormat::structured;
};

// Throws ConfigError naming file, line and key.
ConsoleSinkConfig parse_console_sink_config(const ConfigNode& node);

}  // namespace sluice::console
