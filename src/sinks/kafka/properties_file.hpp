#pragma once
// Java .properties files, the format Kafka clients share their settings in
// (client.properties with bootstrap.servers, sasl.*, ssl.*).

#include <cstddef>
#include <string_view>
#include <string>
#include <vector>

namespace sluice::kafka {

struct PropertyLine {
  std::string key;
  std::string value;
  std::size_t line = 0;  // 1-based line where the entry starts
};

// Parses the text of a .properties file: `key=value`, `key: value` or `key value`; `#` and `!`
// comment lines; a trailing backslash continues a line; \t \n \r \f \uXXXX and \<char> escapes.
std::vector<PropertyLine> parse_java_properties(std::string_view text);

// Reads and parses `path`. Throws std::runtime_error when the file cannot be read.
std::vector<PropertyLine> read_java_properties(const std::string& path);

}  // namespace sluice::kafka
