#pragma once
// The telemetry contract (DESIGN §7): every source, stage and sink reports the same core series,
// declared here once, labelled with the component's kind and name.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace sluice {

// References into the registry; valid as long as the Telemetry that made them. Counters and
// gauges are atomic, so any thread may update them; update per batch, not per event.
struct ComponentMetrics {
  std::string kind;  // "source", "stage", "sink", "pipeline"
  std::string name;
  prometheus::Counter& events_in;
  prometheus::Counter& bytes_in;
  prometheus::Counter& events_out;
  prometheus::Counter& bytes_out;
  prometheus::Counter& filtered;
  prometheus::Counter& dead_lettered;
  prometheus::Counter& dropped;
  prometheus::Gauge& inflight_bytes;
  prometheus::Gauge& queue_depth;
  prometheus::Histogram& ack_latency_seconds;

  // Errors by reason ("malformed", "overloaded", "broker_timeout"...). Takes the registry's lock
  // the first time a reason is seen; cache the reference on hot paths.
  prometheus::Counter& error(std::string_view reason);

 private:
  friend class Telemetry;
  ComponentMetrics(std::string kind, std::string name, prometheus::Family<prometheus::Counter>& errors,
                   prometheus::Counter& events_in, prometheus::Counter& bytes_in,
                   prometheus::Counter& events_out, prometheus::Counter& bytes_out,
                   prometheus::Counter& filtered, prometheus::Counter& dead_lettered,
                   prometheus::Counter& dropped, prometheus::Gauge& inflight_bytes,
                   prometheus::Gauge& queue_depth, prometheus::Histogram& ack_latency_seconds);
  prometheus::Family<prometheus::Counter>& errors_;
};

// Thread-safe. Owns the Prometheus registry that the admin listener serialises.
class Telemetry {
 public:
  Telemetry();
  ~Telemetry();

  // Returns the metrics of component (kind, name), creating them on first use.
  ComponentMetrics& component(std::string_view kind, std::string_view name);

  // Records handed to the dead-letter sink for `reason` (DeadLetterReason names).
  prometheus::Counter& dead_letter_records(std::string_view reason);

  prometheus::Registry& registry() noexcept { return *registry_; }
  // Prometheus text exposition of every series.
  std::string render_prometheus() const;
  // A JSON summary of the core counters per component (admin /stats).
  std::string render_stats_json() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& events_in_;
  prometheus::Family<prometheus::Counter>& bytes_in_;
  prometheus::Family<prometheus::Counter>& events_out_;
  prometheus::Family<prometheus::Counter>& bytes_out_;
  prometheus::Family<prometheus::Counter>& filtered_;
  prometheus::Family<prometheus::Counter>& dead_lettered_;
  prometheus::Family<prometheus::Counter>& dropped_;
  prometheus::Family<prometheus::Counter>& dead_letter_reasons_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Gauge>& inflight_bytes_;
  prometheus::Family<prometheus::Gauge>& queue_depth_;
  prometheus::Family<prometheus::Histogram>& ack_latency_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<ComponentMetrics>, std::less<>> components_;
};

}  // namespace sluice
