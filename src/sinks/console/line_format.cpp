#include "sinks/console/line_format.hpp"

#include "sinks/encoding/binary_data.hpp"
#include "sinks/encoding/structured_json.hpp"

#include <algorithm>

namespace sluice::console {

void append_console_line(std::string& out, const Event& event, OutputFormat format, std::string& scratch) {
  if (format == OutputFormat::binary) {
    if (const auto data = encoding::binary_data(event, scratch)) out += *data;
    out += '\n';
    return;
  }
  const std::size_t start = out.size();
  out += encoding::structured_json(event, scratch);
  std::replace_if(
      out.begin() + static_cast<std::ptrdiff_t>(start), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  out += '\n';
}

}  // namespace sluice::console
