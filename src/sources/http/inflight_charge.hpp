#pragma once
// Counts a request's budgeted bytes in the source's inflight_bytes gauge for as long as this
// object lives: first in the session (reading the body), then in the batch's AckToken, which the
// batch destroys right before it releases its admission lease. Move-only; any thread.

#include <prometheus/gauge.h>

#include <utility>

namespace sluice {

class InflightCharge {
 public:
  InflightCharge() = default;
  InflightCharge(prometheus::Gauge& gauge, double bytes) : gauge_(&gauge), bytes_(bytes) { gauge_->Increment(bytes_); }
  InflightCharge(InflightCharge&& other) noexcept
      : gauge_(std::exchange(other.gauge_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
  InflightCharge& operator=(InflightCharge&& other) noexcept {
    if (this != &other) {
      release();
      gauge_ = std::exchange(other.gauge_, nullptr);
      bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
  }
  InflightCharge(const InflightCharge&) = delete;
  InflightCharge& operator=(const InflightCharge&) = delete;
  ~InflightCharge() { release(); }

  void release() noexcept {
    if (gauge_ != nullptr) gauge_->Decrement(bytes_);
    gauge_ = nullptr;
    bytes_ = 0;
  }

 private:
  prometheus::Gauge* gauge_ = nullptr;
  double bytes_ = 0;
};

}  // namespace sluice
