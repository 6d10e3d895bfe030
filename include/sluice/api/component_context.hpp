#pragma once
// What a component factory receives besides its own config section (see app/component_list.cpp).

#include <sluice/api/source.hpp>
#include <sluice/core/telemetry.hpp>

#include <cstdint>
#include <string>

namespace boost::asio {
class io_context;
}

namespace sluice {

struct SinkContext {
  std::string name;          // the key under `sinks:`
  Telemetry& telemetry;
  std::uint64_t share_bytes; // this sink's share of the budget (budget_bytes * budget_share)
};

struct SourceContext {
  std::string name;  // the key under `sources:`
  IngressPort& ingress;
  Telemetry& telemetry;
  boost::asio::io_context& io;  // run by `pipeline.io_threads` threads
};

}  // namespace sluice
