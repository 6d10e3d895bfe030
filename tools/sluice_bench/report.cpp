#include "report.hpp"

#include <fmt/format.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <ostream>

namespace sluice::bench {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Rates and per-event costs derived from the measured window, shared by both outputs.
struct Derived {
  double seconds = 0;
  double events_per_second = 0;
  double requests_per_second = 0;
  double mib_per_second = 0;
  std::optional<double> sluice_cpu_us_per_event;
  std::optional<double> sluice_cores;
};

Derived derive(const Report& r) {
  Derived d;
  const LoadCounters& m = r.load->measured;
  d.seconds = r.load->measured_seconds().count();
  if (d.seconds > 0) {
    d.events_per_second = static_cast<double>(m.events_acked) / d.seconds;
    d.requests_per_second = static_cast<double>(m.requests) / d.seconds;
    d.mib_per_second = static_cast<double>(m.bytes_acked) / kMiB / d.seconds;
  }
  if (r.sluice) {
    if (m.events_acked > 0) d.sluice_cpu_us_per_event = r.sluice->cpu_seconds * 1e6 / static_cast<double>(m.events_acked);
    if (d.seconds > 0) d.sluice_cores = r.sluice->cpu_seconds / d.seconds;
  }
  return d;
}

std::string ms(double micros) { return fmt::format("{:.3f} ms", micros / 1000.0); }

void latency_rows(std::ostream& out, std::string_view title, const LatencyHistogram& h) {
  if (h.count() == 0) return;
  out << fmt::format("  {:<22} p50 {}  p99 {}  p99.9 {}  max {}  (mean {}, n={})\n", title, ms(h.percentile(0.5)),
                     ms(h.percentile(0.99)), ms(h.percentile(0.999)), ms(h.max_micros()), ms(h.mean_micros()), h.count());
}

boost::json::object latency_json(const LatencyHistogram& h) {
  boost::json::object o;
  o["count"] = h.count();
  o["p50_us"] = h.percentile(0.5);
  o["p90_us"] = h.percentile(0.9);
  o["p99_us"] = h.percentile(0.99);
  o["p999_us"] = h.percentile(0.999);
  o["max_us"] = h.max_micros();
  o["min_us"] = h.min_micros();
  o["mean_us"] = h.mean_micros();
  return o;
}

boost::json::object counters_json(const LoadCounters& c) {
  boost::json::object o;
  o["requests"] = c.requests;
  o["requests_ok"] = c.requests_ok;
  o["requests_rejected"] = c.requests_rejected;
  o["requests_failed"] = c.requests_failed;
  o["events_sent"] = c.events_sent;
  o["events_acked"] = c.events_acked;
  o["events_filtered"] = c.events_filtered;
  o["events_rejected"] = c.events_rejected;
  o["events_failed"] = c.events_failed;
  o["bytes_acked"] = c.bytes_acked;
  o["ack_mismatches"] = c.ack_mismatches;
  o["late_requests"] = c.late_requests;
  o["reconnects"] = c.reconnects;
  boost::json::object status;
  for (const auto& [code, n] : c.status) status[std::to_string(code)] = n;
  o["status"] = std::move(status);
  boost::json::object errors;
  for (const auto& [what, n] : c.errors) errors[what] = n;
  o["errors"] = std::move(errors);
  return o;
}

std::string status_line(const LoadCounters& c) {
  std::string s;
  for (const auto& [code, n] : c.status) s += fmt::format("{}{}={}", s.empty() ? "" : "  ", code, n);
  return s.empty() ? "-" : s;
}

}  // namespace

void print_table(std::ostream& out, const Report& r) {
  const LoadResult& load = *r.load;
  const LoadCounters& m = load.measured;
  const LoadCounters& t = load.total;
  const Derived d = derive(r);
  const RunInfo& i = r.info;

  out << fmt::format("sluice-bench  run {}  {} {} ({})\n", i.run_id, i.protocol, i.target, i.content);
  out << fmt::format("  connections {}  events/request {}  event size ~{} B  threads {}  rate {}\n", i.connections,
                     i.events_per_request, i.event_size, i.threads,
                     i.rate > 0 ? fmt::format("{:.0f} ev/s (open loop)", i.rate) : std::string("unpaced"));
  out << fmt::format("  warm-up {:.1f} s  measured {:.3f} s{}\n", i.warmup_seconds, d.seconds,
                     i.requests ? fmt::format("  (request limit {})", *i.requests) : std::string());
  if (!load.fatal_error.empty()) out << "  FATAL: " << load.fatal_error << "\n";

  out << "\nthroughput (acknowledged, measured window)\n";
  out << fmt::format("  {:>14.0f} events/s   {:>10.2f} MiB/s   {:>10.1f} requests/s\n", d.events_per_second,
                     d.mib_per_second, d.requests_per_second);

  out << "\nrequests            measured        total\n";
  const auto row = [&](std::string_view name, std::uint64_t a, std::uint64_t b) {
    out << fmt::format("  {:<16} {:>11} {:>12}\n", name, a, b);
  };
  row("sent", m.requests, t.requests);
  row("acknowledged", m.requests_ok, t.requests_ok);
  row("rejected 429/503", m.requests_rejected, t.requests_rejected);
  row("failed", m.requests_failed, t.requests_failed);
  out << "events\n";
  row("sent", m.events_sent, t.events_sent);
  row("acknowledged", m.events_acked, t.events_acked);
  row("filtered", m.events_filtered, t.events_filtered);
  row("rejected", m.events_rejected, t.events_rejected);
  row("failed", m.events_failed, t.events_failed);
  out << fmt::format("  status: {}\n", status_line(t));
  if (t.reconnects || t.ack_mismatches || t.late_requests || load.abandoned_requests) {
    out << fmt::format("  reconnects {}  ack count mismatches {}  late (paced) {}  abandoned {}\n", t.reconnects,
                       t.ack_mismatches, t.late_requests, load.abandoned_requests);
  }
  for (const auto& [what, n] : t.errors) out << fmt::format("  error x{}: {}\n", n, what);

  out << "\nack latency (request sent -> full answer, acknowledged requests)\n";
  latency_rows(out, "service", load.latency);
  latency_rows(out, "from schedule", load.scheduled_latency);
  if (load.latency.count() == 0) out << "  (no acknowledged requests in the measured window)\n";

  if (r.sluice) {
    out << "\nsluice process\n";
    out << fmt::format("  CPU {:.2f} s in window{}{}\n", r.sluice->cpu_seconds,
                       d.sluice_cores ? fmt::format("  = {:.2f} cores", *d.sluice_cores) : std::string(),
                       d.sluice_cpu_us_per_event ? fmt::format("  = {:.3f} µs/event", *d.sluice_cpu_us_per_event)
                                                 : std::string());
    out << fmt::format("  RSS peak {:.1f} MiB sampled, VmHWM {:.1f} MiB{}\n",
                       static_cast<double>(r.sluice->peak_rss_bytes) / kMiB,
                       static_cast<double>(r.sluice->hwm_bytes) / kMiB, r.sluice->exited ? "  (process exited!)" : "");
  }
  out << fmt::format("  bench CPU {:.2f} s\n", r.bench_cpu_seconds);

  if (r.verify) {
    const VerifyResult& v = *r.verify;
    out << "\nverification (" << r.verify_target << ")\n";
    out << fmt::format("  acknowledged {}  seen {}  MISSING {}  duplicates {}  unacked-but-seen {}\n", v.acked, v.seen,
                       v.missing, v.duplicates, v.unacked_seen);
    out << fmt::format("  messages consumed {}  foreign {}  consumer errors {}  waited {:.2f} s after load\n", v.messages,
                       v.foreign, v.consumer_errors, v.wait_seconds);
    if (v.skipped_offsets > 0) {
      out << fmt::format("  WARNING: {} messages were deleted by retention before the verifier read them; missing "
                         "ids may be the verifier's, not sluice's\n",
                         v.skipped_offsets);
    }
    if (!v.first_error.empty()) out << "  first consumer error: " << v.first_error << "\n";
    for (const auto& id : v.missing_examples) out << "  missing: " << id << "\n";
  }
  out << "\nresult: " << r.verdict << " (exit " << r.exit_code << ")\n";
}

void print_json(std::ostream& out, const Report& r) {
  const LoadResult& load = *r.load;
  const Derived d = derive(r);
  const RunInfo& i = r.info;
  boost::json::object o;
  o["run_id"] = i.run_id;
  o["protocol"] = i.protocol;
  o["target"] = i.target;
  o["content_mode"] = i.content;
  o["connections"] = i.connections;
  o["events_per_request"] = i.events_per_request;
  o["event_size"] = i.event_size;
  o["rate"] = i.rate;
  o["threads"] = i.threads;
  o["warmup_s"] = i.warmup_seconds;
  if (i.duration_seconds) o["duration_s"] = *i.duration_seconds;
  if (i.requests) o["requests_limit"] = *i.requests;
  if (!load.fatal_error.empty()) o["fatal_error"] = load.fatal_error;
  o["measured_s"] = d.seconds;
  o["events_per_s"] = d.events_per_second;
  o["requests_per_s"] = d.requests_per_second;
  o["mib_per_s"] = d.mib_per_second;
  o["measured"] = counters_json(load.measured);
  o["total"] = counters_json(load.total);
  o["abandoned_requests"] = load.abandoned_requests;
  o["latency"] = latency_json(load.latency);
  if (load.scheduled_latency.count()) o["scheduled_latency"] = latency_json(load.scheduled_latency);
  o["bench_cpu_s"] = r.bench_cpu_seconds;
  if (r.sluice) {
    boost::json::object s;
    s["cpu_s"] = r.sluice->cpu_seconds;
    if (d.sluice_cpu_us_per_event) s["cpu_us_per_event"] = *d.sluice_cpu_us_per_event;
    if (d.sluice_cores) s["cores"] = *d.sluice_cores;
    s["peak_rss_bytes"] = r.sluice->peak_rss_bytes;
    s["vm_hwm_bytes"] = r.sluice->hwm_bytes;
    s["exited"] = r.sluice->exited;
    o["sluice"] = std::move(s);
  }
  if (r.verify) {
    const VerifyResult& v = *r.verify;
    boost::json::object j;
    j["target"] = r.verify_target;
    j["acked"] = v.acked;
    j["seen"] = v.seen;
    j["missing"] = v.missing;
    j["duplicates"] = v.duplicates;
    j["unacked_seen"] = v.unacked_seen;
    j["messages"] = v.messages;
    j["foreign"] = v.foreign;
    j["consumer_errors"] = v.consumer_errors;
    j["skipped_offsets"] = v.skipped_offsets;
    j["wait_s"] = v.wait_seconds;
    j["complete"] = v.complete;
    boost::json::array examples;
    for (const auto& id : v.missing_examples) examples.emplace_back(id);
    j["missing_examples"] = std::move(examples);
    if (!v.first_error.empty()) j["first_error"] = v.first_error;
    o["verify"] = std::move(j);
  }
  o["exit_code"] = r.exit_code;
  o["verdict"] = r.verdict;
  out << boost::json::serialize(o) << "\n";
}

}  // namespace sluice::bench
