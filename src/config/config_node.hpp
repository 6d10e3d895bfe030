#pragma once
// Typed, validated access to one YAML mapping of the configuration file.
//
// Every accessor records the key it read, so reject_unknown_keys() can name a misspelt key.
// Every error is a ConfigError whose message names the file, line and full key and says what is
// allowed: "sluice.yaml:12: sinks.kafka.format: 'jsn' is not one of structured, binary".
// Start-up only; not thread-safe.

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ConfigNode {
 public:
  // `file` is the name used in messages; `path` the dotted key of this node ("" for the root).
  ConfigNode(YAML::Node node, std::string path, std::shared_ptr<const std::string> file);

  const std::string& path() const noexcept { return path_; }
  bool has(std::string_view key) const;

  std::string string(std::string_view key, std::string_view fallback) const;
  std::string required_string(std::string_view key) const;
  // A secret: the value of `key`, or the trimmed contents of the file named by `<key>_file`.
  std::optional<std::string> secret(std::string_view key) const;
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  double number(std::string_view key, double fallback, double min, double max) const;
  bool boolean(std::string_view key, bool fallback) const;
  // "250ms", "10s", "2m", "1h"; a bare number is milliseconds.
  std::chrono::milliseconds duration(std::string_view key, std::chrono::milliseconds fallback) const;
  // "512", "64KiB", "4MiB", "1GiB" (also KB/MB/GB as powers of 10).
  std::uint64_t bytes(std::string_view key, std::uint64_t fallback) const;
  // One of `allowed`; the error lists them.
  std::string choice(std::string_view key, std::string_view fallback,
                     std::initializer_list<std::string_view> allowed) const;
  // "host:port" or ":port" (host defaults to 0.0.0.0); port 0 allowed (tests).
  struct Endpoint {
    std::string host;
    std::uint16_t port = 0;
  };
  Endpoint endpoint(std::string_view key, std::string_view fallback) const;

  std::optional<ConfigNode> child(std::string_view key) const;  // a mapping
  std::vector<ConfigNode> list(std::string_view key) const;      // a sequence of mappings
  std::vector<std::string> string_list(std::string_view key) const;  // a scalar or a sequence
  std::map<std::string, std::string> string_map(std::string_view key) const;  // scalars only
  // The keys of this mapping, in file order (for "sinks:"/"sources:" maps of named components).
  std::vector<std::string> keys() const;
  // The value of `key` as parsed YAML (marks the key read); an undefined node when absent. For
  // free-form values that another compiler reads, such as a route's `match:` pattern.
  YAML::Node raw(std::string_view key) const;

  // Throws for the first key of this mapping that no accessor has read.
  void reject_unknown_keys() const;
  [[noreturn]] void fail(std::string_view key, std::string_view problem) const;

 private:
  YAML::Node lookup(std::string_view key) const;
  std::string where(const YAML::Node& node) const;
  std::string full_key(std::string_view key) const;

  YAML::Node node_;
  std::string path_;
  std::shared_ptr<const std::string> file_;
  std::shared_ptr<std::set<std::string, std::less<>>> read_keys_;
};

// Reads `file_name`, expands ${VAR} and ${VAR:-default} (an unset VAR without default is an
// error naming the line), and parses it. Throws ConfigError.
ConfigNode load_config_file(const std::string& file_name);
ConfigNode load_config_text(std::string_view text, std::string file_name);
// Exposed for tests.
std::string expand_environment(std::string_view text, std::string_view file_name);

}  // namespace sluice
