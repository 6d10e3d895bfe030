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

void append_console_line(std::string& out, const OutRecord& record, OutputFormat format, std::string& scratch) {
  if (record.dead_letter == nullptr) return append_console_line(out, *record.event, format, scratch);
  out += "dead letter:";
  for (const DeadLetterHeader& header : dead_letter_headers(record)) {
    out += ' ';
    out += std::string_view(header.name).substr(std::string_view("sluice_dlq_").size());
    out += "=\"";
    out += header.value;
    out += '"';
  }
  out += ' ';
  if (!record.dead_letter->raw) return append_console_line(out, *record.event, format, scratch);
  const std::size_t start = out.size();
  out += record.event->data;  // the bytes that did not decode, on one line
  std::replace_if(
      out.begin() + static_cast<std::ptrdiff_t>(start), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  out += '\n';
}

}  // namespace sluice::console
