// libFuzzer driver: byte 0 selects the content mode (and, for binary mode, the content type), the
// rest is the request body. Valid batches are then routed through templates that read data fields.
#include "stages/decode/cloud_event_decoder.hpp"
#include "stages/filter/filter_context.hpp"
#include "stages/route/router.hpp"

#include <sluice/core/sink_queue.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace sluice;

struct NoToken final : AckToken {
  void complete(BatchOutcome) noexcept override {}
};

void check(bool condition) {
  if (!condition) std::abort();
}

const Router& router() {
  static SinkQueue sink("fuzz", 1 << 30);
  static const Router instance = [] {
    std::vector<Route> routes;
    Route keyed;
    keyed.name = "keyed";
    keyed.sinks = {&sink};
    keyed.topic = Template::compile("t.{type}.{data.a.b|none}.{data[0]|x}.{data.list.1|y}");
    keyed.key = Template::compile("{data.Vm.Name|}{ext.partitionkey|}");
    keyed.continue_matching = true;
    routes.push_back(std::move(keyed));
    Route strict;
    strict.name = "strict";
    strict.sinks = {&sink};
    strict.topic = Template::compile("{subject}");
    routes.push_back(std::move(strict));
    return Router(std::move(routes));
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static CloudEventDecoder decoder;
  static FilterContext context;
  static constexpr ContentMode kModes[] = {ContentMode::structured, ContentMode::batch, ContentMode::ndjson,
                                           ContentMode::binary, ContentMode::plain_json};
  const ContentMode mode = kModes[data[0] % 5];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  auto* batch = new IngressBatch("fuzz", mode, PaddedBuffer::copy_of(body), std::make_unique<NoToken>(),
                                 AdmissionLease{});
  if (mode == ContentMode::binary) {
    batch->binary_attributes = {{"specversion", "1.0"}, {"id", "1"}, {"source", "/fuzz"}, {"type", "t"}};
    if (data[0] & 0x80) batch->binary_attributes.emplace_back("datacontenttype", "application/json");
  }
  const auto outcome = decoder.decode(*batch);
  if (outcome) {
    check(outcome->status == BatchOutcome::Status::invalid && !outcome->reason.empty());
    check(batch->events.empty());
  } else {
    for (const Event& event : batch->events) {
      check(!event.id.empty() && !event.source.empty() && !event.type.empty() && event.specversion == "1.0");
      if (mode != ContentMode::binary && mode != ContentMode::plain_json) {
        check(!event.structured_json.empty() && event.structured_json.front() == '{' &&
              event.structured_json.back() == '}');
      }
    }
    (void)router().route(*batch, context);
  }
  batch->finish_without_delivery(BatchOutcome{});
  return 0;
}
