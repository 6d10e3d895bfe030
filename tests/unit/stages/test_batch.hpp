#pragma once
// Test support: an IngressBatch on the heap (its destructor is private) that is finished when the
// test is done, with a token that records the outcome.

#include "stages/decode/cloud_event_decoder.hpp"

#include <sluice/core/ack.hpp>
#include <sluice/core/batch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::test {

struct RecordingToken final : AckToken {
  explicit RecordingToken(std::shared_ptr<std::optional<BatchOutcome>> slot) : slot_(std::move(slot)) {}
  void complete(BatchOutcome outcome) noexcept override { *slot_ = std::move(outcome); }
  std::shared_ptr<std::optional<BatchOutcome>> slot_;
};

class TestBatch {
 public:
  TestBatch(ContentMode mode, std::string_view body)
      : outcome_(std::make_shared<std::optional<BatchOutcome>>()),
        batch_(new IngressBatch("test-source", mode, PaddedBuffer::copy_of(body),
                                std::make_unique<RecordingToken>(outcome_), AdmissionLease{})) {}
  ~TestBatch() {
    if (batch_ != nullptr) batch_->finish_without_delivery(BatchOutcome{});
  }
  TestBatch(const TestBatch&) = delete;
  TestBatch& operator=(const TestBatch&) = delete;

  IngressBatch& operator*() const { return *batch_; }
  IngressBatch* operator->() const { return batch_; }
  IngressBatch* get() const { return batch_; }

  std::string_view body() const { return batch_->body().view(); }
  // True when `text` points into the request body (a view, not a copy).
  bool in_body(std::string_view text) const {
    const char* begin = batch_->body().data();
    return text.data() >= begin && text.data() + text.size() <= begin + batch_->body().size();
  }

  // Decodes with a fresh decoder.
  std::optional<BatchOutcome> decode(DecodeOptions options = {}) {
    CloudEventDecoder decoder(options);
    return decoder.decode(*batch_);
  }

 private:
  std::shared_ptr<std::optional<BatchOutcome>> outcome_;
  IngressBatch* batch_;
};

}  // namespace sluice::test
