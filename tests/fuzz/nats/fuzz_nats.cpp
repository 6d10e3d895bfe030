// libFuzzer driver: one NATS message as the source receives it → build_message_batch (content mode
// detection, ce-* header mapping for binary mode, wrap templates) → CloudEventDecoder.
//
// Input layout, so that seeds stay readable:
//   byte 0        bits 0-1: the subscription's `payload:` (auto, structured, binary, wrap);
//                 bit 2: the subscription has `wrap:` templates (always for payload: wrap)
//   header lines  "Name: value\n" until an empty line (lines without ':' are skipped)
//   the rest      the payload
// The message is a real cnats message (natsMsg_Create + natsMsgHeader_Add), so header access goes
// through cnats as it does for received messages.
#include "sources/nats/config.hpp"
#include "sources/nats/message_batch.hpp"
#include "stages/decode/cloud_event_decoder.hpp"

#include <sluice/core/batch.hpp>

#include <nats/nats.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace {

using namespace sluice;

constexpr const char* kSubject = "fuzz.events.alerts";

struct NoToken final : AckToken {
  void complete(BatchOutcome) noexcept override {}
};

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_nats: check failed: %s\n", what);
    std::abort();
  }
}

// The Aporeto-style templates of config/examples: a data field, a fallback, the subject.
std::shared_ptr<const WrapRenderer> wrap_renderer() {
  static const auto renderer = std::make_shared<const WrapRenderer>(
      WrapTemplate("aporeto.{data.identity}.{data.items[1].kind|none}"), WrapTemplate("nats://{nats.subject}"));
  return renderer;
}

struct MessageDeleter {
  void operator()(natsMsg* msg) const noexcept { natsMsg_Destroy(msg); }
};

// Adds each "Name: value" line of `block` as a header; cnats refuses some names, which are skipped.
void add_headers(natsMsg* msg, std::string_view block) {
  while (!block.empty()) {
    const std::size_t end = block.find('\n');
    const std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + 1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    const std::string name(line.substr(0, colon));
    const std::string text(value);
    if (name.find('\0') != std::string::npos || text.find('\0') != std::string::npos) continue;  // C strings
    (void)natsMsgHeader_Add(msg, name.c_str(), text.c_str());
  }
}

}  // namespace

// cnats must be initialised before its messages can be created and destroyed.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  check(nats_Open(-1) == NATS_OK, "nats_Open");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static CloudEventDecoder decoder;
  static constexpr PayloadMode kModes[] = {PayloadMode::auto_detect, PayloadMode::structured, PayloadMode::binary,
                                           PayloadMode::wrap};
  MessageFormat format;
  format.payload = kModes[data[0] & 3];
  if ((data[0] & 4) != 0 || format.payload == PayloadMode::wrap) format.wrap = wrap_renderer();

  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string_view header_block;
  if (const std::size_t blank = input.find("\n\n"); blank != std::string_view::npos) {
    header_block = input.substr(0, blank);
    input.remove_prefix(blank + 2);
  } else if (!input.empty() && input.front() == '\n') {
    input.remove_prefix(1);
  }

  natsMsg* raw = nullptr;
  if (natsMsg_Create(&raw, kSubject, nullptr, input.data(), static_cast<int>(input.size())) != NATS_OK) return 0;
  const std::unique_ptr<natsMsg, MessageDeleter> msg(raw);
  add_headers(msg.get(), header_block);

  BuiltBatch built = build_message_batch(msg.get(), "fuzz", format, std::make_unique<NoToken>(), AdmissionLease{});
  if (!built.batch) {
    check(!built.error.empty(), "a message refused without a reason");
    check(format.payload != PayloadMode::structured && format.payload != PayloadMode::wrap,
          "headers refused where they are not read");
    return 0;
  }
  IngressBatch* batch = built.batch.release();  // finish_without_delivery deletes it
  check(batch->body().view() == input, "the payload was not copied as it is");
  if (batch->mode() == ContentMode::binary) {
    for (const auto& [name, value] : batch->binary_attributes) {
      check(!name.empty(), "an empty attribute name");
      for (const char c : name) check(!(c >= 'A' && c <= 'Z'), "an attribute name not lower-cased");
    }
  }
  if (auto invalid = decoder.decode(*batch)) {
    check(invalid->status == BatchOutcome::Status::invalid && !invalid->reason.empty(), "an invalid outcome");
    check(batch->events.empty(), "events left from an invalid batch");
  } else {
    check(!batch->events.empty() || batch->mode() == ContentMode::batch || batch->mode() == ContentMode::ndjson,
          "a valid single-event message without an event");
    for (const Event& event : batch->events) {
      check(!event.id.empty() && !event.source.empty() && !event.type.empty() && event.specversion == "1.0",
            "a decoded event lacks a required attribute");
    }
  }
  batch->finish_without_delivery(BatchOutcome{});
  return 0;
}
