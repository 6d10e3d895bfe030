#include "config/config_node.hpp"

#include "config/units.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sluice {
namespace {

std::string join(const std::set<std::string, std::less<>>& keys) {
  std::string out;
  for (const auto& key : keys) {
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out;
}

std::string scalar_text(const YAML::Node& node) { return node.Scalar(); }

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

ConfigNode::ConfigNode(YAML::Node node, std::string path, std::shared_ptr<const std::string> file)
    : node_(std::move(node)),
      path_(std::move(path)),
      file_(std::move(file)),
      read_keys_(std::make_shared<std::set<std::string, std::less<>>>()) {}

std::string ConfigNode::full_key(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  if (key.empty()) return path_;
  return fmt::format("{}.{}", path_, key);
}

std::string ConfigNode::where(const YAML::Node& node) const {
  const YAML::Mark mark = (node.IsDefined() && node.Mark().line >= 0) ? node.Mark() : node_.Mark();
  if (mark.line < 0) return *file_;
  return fmt::format("{}:{}", *file_, mark.line + 1);
}

YAML::Node ConfigNode::lookup(std::string_view key) const {
  read_keys_->emplace(key);
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node& map = node_;
  return map[std::string(key)];
}

bool ConfigNode::has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  const YAML::Node& map = node_;
  const YAML::Node found = map[std::string(key)];
  return found.IsDefined() && !found.IsNull();
}

void ConfigNode::fail(std::string_view key, std::string_view problem) const {
  // Copy-construct, never assign: YAML::Node's operator= writes through to the referenced node.
  const YAML::Node& map = node_;
  const YAML::Node at = (node_.IsMap() && !key.empty()) ? map[std::string(key)] : YAML::Node();
  throw ConfigError(fmt::format("{}: {}: {}", where(at), full_key(key), problem));
}

std::string ConfigNode::string(std::string_view key, std::string_view fallback) const {
  const YAML::Node value = lookup(key);
  if (!value.IsDefined() || value.IsNull()) return std::string(fallback);
  if (!value.IsScalar()) fail(key, "must be a string");
  return scalar_text(value);
}

std::string ConfigNode::required_string(std::string_view key) const {
  const YAML::Node value = lookup(key);
  if (!value.IsDefined() || value.IsNull()) fail(key, "is required");
  if (!value.IsScalar() || value.Scalar().empty()) fail(key, "must be a non-empty string");
  return scalar_text(value);
}

std::optional<std::string> ConfigNode::secret(std::string_view key) const {
  const std::string file_key = fmt::format("{}_file", key);
  const YAML::Node inline_value = lookup(key);
  const YAML::Node file_value = lookup(file_key);
  const bool has_inline = inline_value.IsDefined() && !inline_value.IsNull();
  const bool has_file = file_value.IsDefined() && !file_value.IsNull();
  if (has_inline && has_file) fail(key, fmt::format("give either {} or {}, not both", key, file_key));
  if (has_inline) return string(key, "");
  if (!has_file) return std::nullopt;
  const std::string path = string(file_key, "");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(file_key, fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  std::stringstream contents;
  contents << in.rdbuf();
  return trim(contents.str());
}

std::int64_t ConfigNode::integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) const {
  const YAML::Node value = lookup(key);
  if (!value.IsDefined() || value.IsNull()) return fallback;
  std::int64_t parsed = 0;
  if (!value.IsScalar() || !YAML::convert<std::int64_t>::decode(value, parsed)) {
    fail(key, fmt::format("'{}' is not an integer", value.IsScalar() ? value.Scalar() : "(not a scalar)"));
  }
  if (parsed < min || parsed > max) fail(key, fmt::format("{} is outside {}..{}", parsed, min, max));
  return parsed;
}

double ConfigNode::number(std::string_view key, double fallback, double min, double max) const {
  const YAML::Node value = lookup(key);
  if (!value.IsDefined() || value.IsNull()) return fallback;
  double parsed = 0;
  if (!value.IsScalar() || !YAML::convert<double>::decode(value, parsed)) {
    fail(key, fmt::format("'{}' is not a number", value.IsScalar() ? value.Scalar() : "(not a scalar)"));
  }
  if (parsed < min || parsed > max) fail(key, fmt::format("{} is outside {}..{}", parsed, min, max));
  return parsed;
}

bool ConfigNode::boolean(std::string_view key, bool fallback) const {
  const YAML::Node value = lookup(key);
  if (!value.IsDefined() || value.IsNull()) return fallback;
  bool parsed = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, parsed)) {
    fail(key, "must be true or false");
  }
  return parsed;
}

std::chrono::milliseconds ConfigNode::duration(std::string_view key, std::chrono::milliseconds fallback) const {
  const YAML::Node value = lookup(key);
  if (!value.IsDefined() || value.IsNull()) return fallback;
  if (!value.IsScalar()) fail(key, "must be a duration such as 500ms, 10s, 2m");
  auto parsed = parse_duration(value.Scalar());
  if (!parsed || parsed->count() < 0) {
    fail(key, fmt::format("'{}' is not a duration (use e.g. 500ms, 10s, 2m, 1h)", value.Scalar()));
  }
  return *parsed;
}

std::uint64_t ConfigNode::bytes(std::string_view key, std::uint64_t fallback) const {
  const YAML::Node value = lookup(key);
  if (!value.IsDefined() || value.IsNull()) return fallback;
  if (!value.IsScalar()) fail(key, "must be a size such as 512KiB, 4MiB, 1GiB");
  auto parsed = parse_bytes(value.Scalar());
  if (!parsed) fail(key, fmt::format("'{}' is not a size (use e.g. 65536, 512KiB, 4MiB, 1GiB)", value.Scalar()));
  return *parsed;
}

std::string ConfigNode::choice(std::string_view key, std::string_view fallback,
                               std::initializer_list<std::string_view> allowed) const {
  std::string value = string(key, fallback);
  for (std::string_view option : allowed) {
    if (value == option) return value;
  }
  std::string options;
  for (std::string_view option : allowed) {
    if (!options.empty()) options += ", ";
    options += option;
  }
  fail(key, fmt::format("'{}' is not one of {}", value, options));
}

ConfigNode::Endpoint ConfigNode::endpoint(std::string_view key, std::string_view fallback) const {
  const std::string text = string(key, fallback);
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) fail(key, fmt::format("'{}' is not host:port", text));
  Endpoint endpoint;
  endpoint.host = text.substr(0, colon);
  if (endpoint.host.size() >= 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']') {
    endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  }
  if (endpoint.host.empty()) endpoint.host = "0.0.0.0";
  const std::string port = text.substr(colon + 1);
  unsigned long value = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || value > 65535) {
    fail(key, fmt::format("'{}' has no valid port (0-65535)", text));
  }
  endpoint.port = static_cast<std::uint16_t>(value);
  return endpoint;
}

std::optional<ConfigNode> ConfigNode::child(std::string_view key) const {
  const YAML::Node value = lookup(key);
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  if (!value.IsMap()) fail(key, "must be a mapping (key: value pairs)");
  return ConfigNode(value, full_key(key), file_);
}

std::vector<ConfigNode> ConfigNode::list(std::string_view key) const {
  const YAML::Node value = lookup(key);
  std::vector<ConfigNode> items;
  if (!value.IsDefined() || value.IsNull()) return items;
  if (!value.IsSequence()) fail(key, "must be a list");
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", full_key(key), i);
    if (!value[i].IsMap()) {
      throw ConfigError(fmt::format("{}: {}: must be a mapping", where(value[i]), item_path));
    }
    items.emplace_back(value[i], item_path, file_);
  }
  return items;
}

std::vector<std::string> ConfigNode::string_list(std::string_view key) const {
  const YAML::Node value = lookup(key);
  std::vector<std::string> items;
  if (!value.IsDefined() || value.IsNull()) return items;
  if (value.IsScalar()) {
    items.push_back(value.Scalar());
    return items;
  }
  if (!value.IsSequence()) fail(key, "must be a string or a list of strings");
  for (const auto& item : value) {
    if (!item.IsScalar()) fail(key, "must be a list of strings");
    items.push_back(item.Scalar());
  }
  return items;
}

std::map<std::string, std::string> ConfigNode::string_map(std::string_view key) const {
  const YAML::Node value = lookup(key);
  std::map<std::string, std::string> items;
  if (!value.IsDefined() || value.IsNull()) return items;
  if (!value.IsMap()) fail(key, "must be a mapping of names to values");
  for (const auto& entry : value) {
    if (!entry.second.IsScalar()) {
      fail(key, fmt::format("value of '{}' must be a scalar", entry.first.Scalar()));
    }
    items.emplace(entry.first.Scalar(), entry.second.Scalar());
  }
  return items;
}

YAML::Node ConfigNode::raw(std::string_view key) const { return lookup(key); }

std::vector<std::string> ConfigNode::keys() const {
  std::vector<std::string> names;
  if (!node_.IsMap()) return names;
  for (const auto& entry : node_) names.push_back(entry.first.Scalar());
  return names;
}

void ConfigNode::reject_unknown_keys() const {
  if (!node_.IsMap()) return;
  for (const auto& entry : node_) {
    const std::string& key = entry.first.Scalar();
    if (read_keys_->count(key) == 0) {
      throw ConfigError(fmt::format("{}: {}: unknown key (allowed here: {})", where(entry.first),
                                    full_key(key), join(*read_keys_)));
    }
  }
}

ConfigNode load_config_text(std::string_view text, std::string file_name) {
  const std::string expanded = expand_environment(text, file_name);
  auto file = std::make_shared<const std::string>(std::move(file_name));
  YAML::Node root;
  try {
    root = YAML::Load(expanded);
  } catch (const YAML::ParserException& error) {
    throw ConfigError(fmt::format("{}:{}:{}: YAML syntax error: {}", *file, error.mark.line + 1,
                                  error.mark.column + 1, error.msg));
  }
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw ConfigError(fmt::format("{}: the top level must be a mapping", *file));
  return ConfigNode(root, "", std::move(file));
}

ConfigNode load_config_file(const std::string& file_name) {
  std::ifstream in(file_name, std::ios::binary);
  if (!in) {
    throw ConfigError(fmt::format("cannot read config file '{}': {}", file_name, std::strerror(errno)));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  return load_config_text(contents.str(), file_name);
}

}  // namespace sluice
