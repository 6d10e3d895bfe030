// Fuzzes the pattern compiler and matcher. The input is a pattern; when it compiles it is matched
// against fixed events (JSON documents and a sluice::Event). When the input contains a line
// "--", the text after it is also matched as an event, to fuzz the field extractor.
//
//   fuzz_pattern -max_total_time=60 tests/fuzz/pattern/corpus

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stages/filter/filter_context.hpp"
#include "stages/filter/pattern/pattern_set.hpp"

namespace {

using sluice::pattern::Padding;
using sluice::pattern::PatternSet;

constexpr std::string_view kEvents[] = {
    R"({"source": "aws.ec2", "detail": {"state": "running", "c-count": 5, "x-limit": 301.8,
        "source-ip": "10.0.0.33", "tags": ["a", "b"], "n": null, "t": true}})",
    R"({"a": [{"b": 1, "c": "x"}, {"b": 2, "d": [{"e": "y"}, {"e": "z", "f": 3}]}], "g": [[1, 2], [{"h": 4}]],
        "ip": "2001:db8::1", "s": "Straße ΣΊΣΥΦΟΣ *\\", "big": 1e400, "neg": -0.0})",
    R"({"subject": "VmPoweredOffEvent", "data": {"Vm": {"Name": "web-01"}, "Key": 9902, "UserName": "VSPHERE\\x"}})",
};

sluice::Event make_event() {
  sluice::Event event;
  event.id = "1";
  event.source = "https://10.0.0.1:443/sdk";
  event.specversion = "1.0";
  event.type = "com.vmware.vsphere.VmPoweredOffEvent.v0";
  event.subject = "VmPoweredOffEvent";
  event.extensions = {{"seq", "42", sluice::Extension::Type::integer},
                      {"flag", "true", sluice::Extension::Type::boolean},
                      {"pk", "vm-56", sluice::Extension::Type::string}};
  event.data_kind = sluice::DataKind::json;
  event.data = R"({"Vm": {"Name": "web-01"}, "Host": [{"Name": "10.1.2.3"}, {"Name": "::1"}], "Key": 9902})";
  return event;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t separator = input.find("\n--\n");
  const std::string_view pattern = input.substr(0, separator);
  PatternSet set;
  try {
    set.add(1, pattern);
    set.add(2, pattern);  // the same pattern twice must not confuse rule bookkeeping
  } catch (const std::invalid_argument&) {
    return 0;
  }
  static sluice::FilterContext context;
  std::vector<std::uint32_t> matched;
  for (const std::string_view event : kEvents) {
    if (!set.match_json(event, Padding::absent, context, matched)) __builtin_trap();  // fixed events are valid
    if (!matched.empty() && matched != std::vector<std::uint32_t>{1, 2}) __builtin_trap();
  }
  static const sluice::Event event = make_event();
  if (!set.match_event(event, Padding::absent, context, matched)) __builtin_trap();
  if (separator != std::string_view::npos) {
    const std::string_view extra = input.substr(separator + 4);
    static_cast<void>(set.match_json(extra, Padding::absent, context, matched));
  }
  return 0;
}
