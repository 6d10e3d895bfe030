#include "sinks/console/console_sink.hpp"

#include "config/config_node.hpp"
#include "sinks/console/line_format.hpp"

#include <sluice/core/thread_name.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace sluice::console {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kBulk = 1024;
constexpr auto kPopTimeout = std::chrono::milliseconds(50);

}  // namespace

ConsoleSink::ConsoleSink(ConsoleSinkConfig config, SinkContext& context, std::FILE* stream)
    : config_(std::move(config)),
      queue_(config_.name, context.share_bytes),
      metrics_(context.telemetry.component("sink", config_.name)),
      stream_(stream != nullptr ? stream
                                : (config_.stream == ConsoleStream::stderr_stream ? stderr : stdout)),
      records_(kBulk) {
  for (const auto& bucket : metrics_.ack_latency_seconds.Collect().histogram.bucket) {
    bucket_bounds_.push_back(bucket.upper_bound);
  }
  buckets_.assign(bucket_bounds_.size(), 0.0);
}

ConsoleSink::~ConsoleSink() { stop(Clock::now()); }

void ConsoleSink::start() {
  thread_ = named_thread("console:" + config_.name, [this] { run(); });
  started_.store(true, std::memory_order_release);
}

void ConsoleSink::run() {
  while (!stopping_.load(std::memory_order_acquire)) write_bulk(kPopTimeout);
}

bool ConsoleSink::write_bulk(std::chrono::microseconds timeout) {
  const std::size_t count = queue_.pop(records_, timeout);
  if (count == 0) return false;
  const Clock::time_point began = Clock::now();
  buffer_.clear();
  std::size_t written = 0;
  std::uint64_t record_bytes = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (records_[i] == nullptr) continue;  // a wake-up
    record_bytes += records_[i]->bytes;
    records_[written] = records_[i];  // compact in place
    append_console_line(buffer_, *records_[i], config_.format, scratch_);
    ++written;
  }
  if (written == 0) return true;
  metrics_.events_in.Increment(static_cast<double>(written));
  metrics_.bytes_in.Increment(static_cast<double>(record_bytes));
  const bool ok = std::fwrite(buffer_.data(), 1, buffer_.size(), stream_) == buffer_.size() &&
                  std::fflush(stream_) == 0;
  if (ok) {
    metrics_.events_out.Increment(static_cast<double>(written));
    metrics_.bytes_out.Increment(static_cast<double>(buffer_.size()));
    observe_latency(Clock::now() - began, written);
  } else {
    const char* why = std::strerror(errno);
    metrics_.error("write_failed").Increment(static_cast<double>(written));
    spdlog::warn("console sink '{}': cannot write: {}", config_.name, why);
  }
  for (std::size_t i = 0; i < written; ++i) {
    SinkQueue::complete(records_[i], ok ? DeliveryStatus::delivered : DeliveryStatus::retryable_failure,
                        ok ? std::string_view() : std::string_view("console sink: write failed"));
  }
  metrics_.inflight_bytes.Set(static_cast<double>(queue_.bytes_in_use()));
  metrics_.queue_depth.Set(static_cast<double>(queue_.depth()));
  return true;
}

void ConsoleSink::observe_latency(Clock::duration latency, std::size_t records) {
  const double seconds = std::chrono::duration<double>(latency).count();
  const auto bucket = std::lower_bound(bucket_bounds_.begin(), bucket_bounds_.end(), seconds);
  if (bucket == bucket_bounds_.end()) return;
  std::fill(buckets_.begin(), buckets_.end(), 0.0);
  buckets_[static_cast<std::size_t>(bucket - bucket_bounds_.begin())] = static_cast<double>(records);
  metrics_.ack_latency_seconds.ObserveMultiple(buckets_, seconds * static_cast<double>(records));
}

void ConsoleSink::stop(std::chrono::steady_clock::time_point deadline) noexcept {
  if (stopped_) return;
  stopped_ = true;
  stopping_.store(true, std::memory_order_release);
  if (thread_.joinable()) {
    queue_.wake_consumer();
    thread_.join();
  }
  try {
    // Writing is cheap: print what is still queued rather than failing it, until the deadline.
    while (Clock::now() < deadline && write_bulk(std::chrono::microseconds(0))) {
    }
  } catch (...) {
  }
  std::array<OutRecord*, kBulk> left{};
  std::size_t count = 0;
  while ((count = queue_.pop(left, std::chrono::microseconds(0))) > 0) {
    for (std::size_t i = 0; i < count; ++i) {
      if (left[i] != nullptr) {
        SinkQueue::complete(left[i], DeliveryStatus::retryable_failure, "console sink: stopped (shutting down)");
      }
    }
  }
  started_.store(false, std::memory_order_release);
}

}  // namespace sluice::console

namespace sluice {

std::unique_ptr<Sink> make_console_sink(const ConfigNode& node, SinkContext& context) {
  console::ConsoleSinkConfig config = console::parse_console_sink_config(node);
  config.name = context.name;
  return std::make_unique<console::ConsoleSink>(std::move(config), context);
}

}  // namespace sluice
