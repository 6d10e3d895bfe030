#include <sluice/core/admission.hpp>

#include <utility>

namespace sluice {

AdmissionLease::AdmissionLease(AdmissionLease&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)),
      events_(std::exchange(other.events_, 0)) {}

AdmissionLease& AdmissionLease::operator=(AdmissionLease&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
    events_ = std::exchange(other.events_, 0);
  }
  return *this;
}

AdmissionLease::~AdmissionLease() { release(); }

bool AdmissionLease::try_add_events(std::uint64_t events) noexcept {
  if (owner_ == nullptr) return true;  // an unbudgeted lease (tests, internal batches)
  if (!owner_->try_take(owner_->events_, owner_->max_events_, events)) return false;
  const std::uint64_t overhead = events * owner_->per_event_bytes_;
  if (overhead > 0 && !owner_->try_take(owner_->bytes_, owner_->max_bytes_, overhead)) {
    owner_->give_back(0, events);
    return false;
  }
  events_ += events;
  bytes_ += overhead;
  return true;
}

void AdmissionLease::release() noexcept {
  if (owner_ == nullptr) return;
  owner_->give_back(bytes_, events_);
  owner_ = nullptr;
  bytes_ = 0;
  events_ = 0;
}

Admission::Admission(std::uint64_t max_bytes, std::uint64_t max_events, std::uint64_t per_event_bytes)
    : max_bytes_(max_bytes), max_events_(max_events), per_event_bytes_(per_event_bytes) {}

bool Admission::try_take(std::atomic<std::uint64_t>& used, std::uint64_t limit,
                         std::uint64_t amount) noexcept {
  std::uint64_t current = used.load(std::memory_order_relaxed);
  do {
    if (amount > limit || current > limit - amount) return false;
  } while (!used.compare_exchange_weak(current, current + amount, std::memory_order_acq_rel,
                                       std::memory_order_relaxed));
  return true;
}

std::optional<AdmissionLease> Admission::try_acquire(std::uint64_t bytes) noexcept {
  if (!try_take(bytes_, max_bytes_, bytes)) return std::nullopt;
  return AdmissionLease(this, bytes);
}

std::uint64_t Admission::free_bytes() const noexcept {
  const std::uint64_t used = bytes_in_use();
  return used >= max_bytes_ ? 0 : max_bytes_ - used;
}

void Admission::notify_when_free(std::function<void()> wake) {
  {
    std::lock_guard lock(waiters_mutex_);
    waiters_.push_back(std::move(wake));
    has_waiters_.store(true, std::memory_order_release);
  }
  // Budget may have been released between the caller's failed acquire and the registration
  // above; waking now (spuriously at worst) avoids waiting for a release that already happened.
  if (free_bytes() > 0) give_back(0, 0);
}

void Admission::give_back(std::uint64_t bytes, std::uint64_t events) noexcept {
  if (bytes > 0) bytes_.fetch_sub(bytes, std::memory_order_acq_rel);
  if (events > 0) events_.fetch_sub(events, std::memory_order_acq_rel);
  if (!has_waiters_.load(std::memory_order_acquire)) return;
  std::vector<std::function<void()>> woken;
  {
    std::lock_guard lock(waiters_mutex_);
    woken.swap(waiters_);
    has_waiters_.store(false, std::memory_order_release);
  }
  for (auto& wake : woken) wake();
}

}  // namespace sluice
