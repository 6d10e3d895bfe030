#pragma once
// YAML to JSON text, for configuration values that other compilers read as JSON (a route's
// `match:` EventBridge pattern). Start-up only.

#include <yaml-cpp/yaml.h>

#include <string>

namespace sluice {

// Scalars keep their YAML 1.2 core-schema types: plain `42`, `-1.5e3`, `0x1F`, `true`, `null`
// become JSON numbers, booleans and null; quoted scalars stay strings ("42" is a string). Throws
// std::invalid_argument for values JSON cannot hold (.inf, .nan) or non-scalar mapping keys.
std::string yaml_to_json(const YAML::Node& node);

}  // namespace sluice
