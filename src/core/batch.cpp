#include <sluice/core/batch.hpp>

namespace sluice {

IngressBatch::IngressBatch(std::string_view source_name, ContentMode mode, PaddedBuffer body,
                           std::unique_ptr<AckToken> token, AdmissionLease lease)
    : source_name_(source_name),
      mode_(mode),
      body_(std::move(body)),
      token_(std::move(token)),
      lease_(std::move(lease)) {}

IngressBatch::~IngressBatch() = default;

void IngressBatch::answer_early(BatchOutcome outcome) noexcept {
  if (auto token = std::move(token_)) token->complete(std::move(outcome));
}

void IngressBatch::finish_without_delivery(BatchOutcome outcome) noexcept { finish(std::move(outcome)); }

void IngressBatch::start_delivery() noexcept {
  outstanding_.store(static_cast<std::uint32_t>(records.size()), std::memory_order_release);
}

void IngressBatch::resolve(DeliveryStatus status, std::string_view reason) noexcept {
  if (status != DeliveryStatus::delivered && !failed_.exchange(true, std::memory_order_acq_rel)) {
    // First failure wins: it is the one the client is told about.
    std::lock_guard lock(failure_mutex_);
    failure_reason_.assign(reason.empty() ? std::string_view("delivery failed") : reason);
  }
  if (outstanding_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;

  BatchOutcome outcome;
  outcome.filtered = filtered;
  outcome.accepted = accepted_count();
  outcome.dead_lettered = dead_lettered;
  if (failed_.load(std::memory_order_acquire)) {
    std::lock_guard lock(failure_mutex_);
    outcome.status = BatchOutcome::Status::unavailable;
    outcome.reason = failure_reason_;
  }
  finish(std::move(outcome));
}

const DeadLetterNote& IngressBatch::add_dead_letter_note(DeadLetterNote note) {
  std::lock_guard lock(notes_mutex_);
  return dead_letter_notes_.emplace_back(std::move(note));
}

void IngressBatch::finish(BatchOutcome outcome) noexcept {
  if (token_) token_->complete(outcome);
  token_.reset();
  // Budget goes back before the observer hears of it, so a pipeline that sees "nothing in
  // flight" also sees all budget returned; the delete below only frees memory.
  lease_.release();
  if (observer_ != nullptr) observer_->on_batch_done(*this, outcome);
  delete this;
}

}  // namespace sluice
