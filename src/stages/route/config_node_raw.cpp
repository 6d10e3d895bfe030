// ConfigNode::raw(), declared (additively) in config/config_node.hpp for route `match:` patterns.
// It lives here only until it moves to src/config/config_node.cpp, which another engineer owns.
#include "config/config_node.hpp"

namespace sluice {

YAML::Node ConfigNode::raw(std::string_view key) const { return lookup(key); }

}  // namespace sluice
