#include <sluice/core/telemetry.hpp>

#include <gtest/gtest.h>

namespace sluice {
namespace {

// The telemetry contract: every component gets every core series under its own labels.
TEST(Telemetry, EveryComponentReportsTheCoreSeries) {
  Telemetry telemetry;
  auto& http = telemetry.component("source", "http");
  auto& kafka = telemetry.component("sink", "kafka");
  http.events_in.Increment(3);
  kafka.events_out.Increment(2);
  kafka.error("broker_timeout").Increment();
  http.ack_latency_seconds.Observe(0.002);

  const std::string text = telemetry.render_prometheus();
  for (const char* series :
       {"sluice_events_received_total", "sluice_bytes_received_total", "sluice_events_sent_total",
        "sluice_bytes_sent_total", "sluice_events_filtered_total", "sluice_events_dead_lettered_total",
        "sluice_events_dropped_total", "sluice_inflight_bytes", "sluice_queue_depth",
        "sluice_ack_latency_seconds_bucket"}) {
    for (const char* component : {"component=\"http\"", "component=\"kafka\""}) {
      const std::string line_start = std::string(series) + "{";
      bool found = false;
      for (std::size_t at = text.find(line_start); at != std::string::npos; at = text.find(line_start, at + 1)) {
        const std::string line = text.substr(at, text.find('\n', at) - at);
        if (line.find(component) != std::string::npos) found = true;
      }
      EXPECT_TRUE(found) << series << " missing for " << component;
    }
  }
  EXPECT_NE(text.find("reason=\"broker_timeout\""), std::string::npos);
}

TEST(Telemetry, SameComponentIsReturnedOnce) {
  Telemetry telemetry;
  EXPECT_EQ(&telemetry.component("sink", "kafka"), &telemetry.component("sink", "kafka"));
}

TEST(Telemetry, StatsJsonSummarisesCounters) {
  Telemetry telemetry;
  telemetry.component("source", "h\"ttp").events_in.Increment(7);
  const std::string json = telemetry.render_stats_json();
  EXPECT_NE(json.find("\"name\":\"h\\\"ttp\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"events_in\":7"), std::string::npos) << json;
}

}  // namespace
}  // namespace sluice
