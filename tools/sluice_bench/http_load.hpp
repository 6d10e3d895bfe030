#pragma once
// The HTTP load mode: N keep-alive HTTP/1.1 connections (Boost.Beast), one request in flight on
// each, POSTing CloudEvents in one of the four content modes and counting sluice's answers:
// 2xx = acknowledged, 429/503 = pushed back (retried after Retry-After, capped), anything else
// = failed. A connection that is closed by the server (Connection: close, 429 without reading the
// body) reconnects.
//
// Runs the plan on its own io_context and returns when the run is over: every loop is bounded by
// the schedule's deadline or request count, and in-flight requests by plan.drain_timeout.

#include <string>

#include "event_factory.hpp"
#include "http_content.hpp"
#include "load_plan.hpp"
#include "schedule.hpp"

namespace sluice::bench {

struct HttpLoadOptions {
  std::string url = "http://127.0.0.1:8080/";
  ContentMode content = ContentMode::batch;
};

struct HttpUrl {
  std::string host;
  std::string port;
  std::string target;
};
// Parses `http://host[:port][/path]` (no TLS, no user info); nullopt with `error` set otherwise.
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error);

LoadResult run_http_load(const LoadPlan& plan, const HttpLoadOptions& options, const EventFactory& events,
                         Schedule& schedule, LiveCounters& live);

}  // namespace sluice::bench
