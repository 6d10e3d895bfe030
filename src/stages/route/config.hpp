#pragma once
// The `routes:` section of the configuration (DESIGN §5):
//
//   routes:
//     - name: vm-power                      # required, unique
//       match: { subject: [VmPoweredOnEvent, VmPoweredOffEvent] }   # EventBridge pattern
//       where: "type LIKE 'com.vmware.%'"   # CloudEvents SQL
//       to: [kafka]                         # required: sink names
//       topic: "vcenter.{subject}"          # template; `routing_key` is an alias for AMQP sinks
//       key: "{data.Vm.Name}"               # template; default: the partitionkey extension
//       continue: false                     # keep matching later routes
//       when_full: block                    # block | dead_letter | drop
//
// Start-up only; not thread-safe.

#include "config/config_node.hpp"

#include <sluice/core/batch.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sluice {

struct RouteSpec {
  std::string name;
  std::vector<std::string> to;
  std::string topic;
  std::string key;
  bool continue_matching = false;
  WhenFull when_full = WhenFull::block;
  std::string match_json;  // the `match:` mapping as JSON text; empty when absent
  std::string where;       // CESQL expression; empty when absent
};

// The `dead_letter:` section (include/sluice/core/dead_letter.hpp documents its keys).
struct DeadLetterSpec {
  std::string sink;
  std::string topic;
  bool invalid = true;
  bool rejected = true;
  bool missing_fields = true;
  bool unrouted = false;
};

// Reads `dead_letter:`; nullopt when the section is absent. When `known_sinks` is not empty the
// sink must be one of them. Throws ConfigError.
std::optional<DeadLetterSpec> parse_dead_letter(const ConfigNode& root, std::span<const std::string> known_sinks = {});

// Reads and validates `routes:` (a missing section gives no routes). Templates are compiled here
// so that their errors name the file and line. When `known_sinks` is not empty, every `to:` entry
// must be one of them. Throws ConfigError.
std::vector<RouteSpec> parse_routes(const ConfigNode& root, std::span<const std::string> known_sinks = {});

}  // namespace sluice
