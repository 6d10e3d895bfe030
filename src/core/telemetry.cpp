#include <sluice/core/telemetry.hpp>
#include <sluice/core/json_string.hpp>

#include <fmt/format.h>
#include <prometheus/text_serializer.h>

namespace sluice {
namespace {

using prometheus::Labels;

// Ack latency from microseconds (in-memory sinks) to a minute (a broker timing out).
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1,    0.25,    0.5,    1.0,   2.5,    5.0,   10.0, 30.0,  60.0};

prometheus::Family<prometheus::Counter>& counter_family(prometheus::Registry& registry,
                                                         const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

prometheus::Family<prometheus::Gauge>& gauge_family(prometheus::Registry& registry, const char* name,
                                                     const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

// Upper bound of the bucket holding quantile q: coarse, but enough for a glance at /stats.
double histogram_quantile(const prometheus::ClientMetric::Histogram& histogram, double q) {
  if (histogram.sample_count == 0) return 0;
  const double rank = q * static_cast<double>(histogram.sample_count);
  for (const auto& bucket : histogram.bucket) {
    if (static_cast<double>(bucket.cumulative_count) >= rank) return bucket.upper_bound;
  }
  return histogram.bucket.empty() ? 0 : histogram.bucket.back().upper_bound;
}

}  // namespace

ComponentMetrics::ComponentMetrics(std::string kind, std::string name,
                                   prometheus::Family<prometheus::Counter>& errors,
                                   prometheus::Counter& events_in, prometheus::Counter& bytes_in,
                                   prometheus::Counter& events_out, prometheus::Counter& bytes_out,
                                   prometheus::Counter& filtered, prometheus::Counter& dead_lettered,
                                   prometheus::Counter& dropped, prometheus::Gauge& inflight_bytes,
                                   prometheus::Gauge& queue_depth,
                                   prometheus::Histogram& ack_latency_seconds)
    : kind(std::move(kind)),
      name(std::move(name)),
      events_in(events_in),
      bytes_in(bytes_in),
      events_out(events_out),
      bytes_out(bytes_out),
      filtered(filtered),
      dead_lettered(dead_lettered),
      dropped(dropped),
      inflight_bytes(inflight_bytes),
      queue_depth(queue_depth),
      ack_latency_seconds(ack_latency_seconds),
      errors_(errors) {}

prometheus::Counter& Telemetry::dead_letter_records(std::string_view reason) {
  return dead_letter_reasons_.Add({{"reason", std::string(reason)}});
}

prometheus::Counter& ComponentMetrics::error(std::string_view reason) {
  return errors_.Add({{"kind", kind}, {"component", name}, {"reason", std::string(reason)}});
}

Telemetry::Telemetry()
    : registry_(std::make_shared<prometheus::Registry>()),
      events_in_(counter_family(*registry_, "sluice_events_received_total", "Events received")),
      bytes_in_(counter_family(*registry_, "sluice_bytes_received_total", "Bytes received")),
      events_out_(counter_family(*registry_, "sluice_events_sent_total", "Events sent and confirmed")),
      bytes_out_(counter_family(*registry_, "sluice_bytes_sent_total", "Bytes sent and confirmed")),
      filtered_(counter_family(*registry_, "sluice_events_filtered_total", "Events that matched no route")),
      dead_lettered_(counter_family(*registry_, "sluice_events_dead_lettered_total",
                                    "Events sent to the dead-letter destination")),
      dropped_(counter_family(*registry_, "sluice_events_dropped_total", "Events dropped by policy")),
      dead_letter_reasons_(counter_family(*registry_, "sluice_dead_letter_records_total",
                                          "Records handed to the dead-letter sink, by reason")),
      errors_(counter_family(*registry_, "sluice_errors_total", "Errors by reason")),
      inflight_bytes_(gauge_family(*registry_, "sluice_inflight_bytes", "Bytes held in flight")),
      queue_depth_(gauge_family(*registry_, "sluice_queue_depth", "Items waiting in the component's queue")),
      ack_latency_(prometheus::BuildHistogram()
                       .Name("sluice_ack_latency_seconds")
                       .Help("Time from receipt to acknowledgement")
                       .Register(*registry_)) {}

Telemetry::~Telemetry() = default;

ComponentMetrics& Telemetry::component(std::string_view kind, std::string_view name) {
  std::string key = fmt::format("{}/{}", kind, name);
  std::lock_guard lock(mutex_);
  if (auto found = components_.find(key); found != components_.end()) return *found->second;
  const Labels labels{{"kind", std::string(kind)}, {"component", std::string(name)}};
  auto metrics = std::unique_ptr<ComponentMetrics>(new ComponentMetrics(
      std::string(kind), std::string(name), errors_, events_in_.Add(labels), bytes_in_.Add(labels),
      events_out_.Add(labels), bytes_out_.Add(labels), filtered_.Add(labels),
      dead_lettered_.Add(labels), dropped_.Add(labels), inflight_bytes_.Add(labels),
      queue_depth_.Add(labels), ack_latency_.Add(labels, kLatencyBuckets)));
  auto& stored = *metrics;
  components_.emplace(std::move(key), std::move(metrics));
  return stored;
}

std::string Telemetry::render_prometheus() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

std::string Telemetry::render_stats_json() const {
  std::lock_guard lock(mutex_);
  std::string out = "{\"components\":[";
  bool first = true;
  for (const auto& [key, metrics] : components_) {
    if (!first) out += ',';
    first = false;
    const auto latency = metrics->ack_latency_seconds.Collect().histogram;
    out += "{\"kind\":";
    append_json_string(out, metrics->kind);
    out += ",\"name\":";
    append_json_string(out, metrics->name);
    out += fmt::format(
        ",\"events_in\":{:.0f},\"bytes_in\":{:.0f},\"events_out\":{:.0f},\"bytes_out\":{:.0f}"
        ",\"filtered\":{:.0f},\"dead_lettered\":{:.0f},\"dropped\":{:.0f}"
        ",\"inflight_bytes\":{:.0f},\"queue_depth\":{:.0f}"
        ",\"acks\":{},\"ack_latency_p50_s_le\":{},\"ack_latency_p99_s_le\":{}}}",
        metrics->events_in.Value(), metrics->bytes_in.Value(), metrics->events_out.Value(),
        metrics->bytes_out.Value(), metrics->filtered.Value(), metrics->dead_lettered.Value(),
        metrics->dropped.Value(), metrics->inflight_bytes.Value(), metrics->queue_depth.Value(),
        latency.sample_count, histogram_quantile(latency, 0.5), histogram_quantile(latency, 0.99));
  }
  out += "]}";
  return out;
}

}  // namespace sluice
