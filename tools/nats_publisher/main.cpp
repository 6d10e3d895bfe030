// sluice-nats-publish: a load generator for the NATS source.
//
//   sluice-nats-publish --url nats://127.0.0.1:4222 --subject events.test --count 100000 --size 512
//   sluice-nats-publish --subject events.test --jetstream --stream EVENTS   # async, acked publishes
//
// Payloads are CloudEvents (structured JSON, or binary with ce-* headers) or plain JSON for
// `payload: wrap` subscriptions, padded to --size bytes, each with a unique id.

#include <fmt/format.h>
#include <nats/nats.h>
#include <boost/program_options.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

namespace {

namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string url;
  std::string subject;
  std::uint64_t count = 0;
  std::size_t size = 0;
  bool jetstream = false;
  std::string format;
  std::int64_t max_pending = 0;
  std::string stream;
};

std::atomic<std::uint64_t> g_async_errors{0};

void on_publish_error(jsCtx*, jsPubAckErr* error, void*) {
  if (g_async_errors.fetch_add(1) == 0) {
    std::fprintf(stderr, "first JetStream publish error: %s\n", error->ErrText != nullptr ? error->ErrText : "?");
  }
}

// Renders message `n` into `out`, padded with a `pad` member so the payload is about `size` bytes.
void render(const Options& options, std::uint64_t n, std::string& out) {
  out.clear();
  if (options.format == "plain") {
    fmt::format_to(std::back_inserter(out), R"({{"identity":"processingunit","type":"create","seq":{},"pad":")", n);
  } else if (options.format == "binary") {
    fmt::format_to(std::back_inserter(out), R"({{"seq":{},"pad":")", n);
  } else {
    fmt::format_to(std::back_inserter(out),
                   R"({{"specversion":"1.0","id":"pub-{}","source":"/sluice-nats-publish","type":"io.sluice.bench",)"
                   R"("datacontenttype":"application/json","data":{{"seq":{},"pad":")",
                   n, n);
  }
  const std::string_view tail = options.format == "structured" ? "\"}}" : "\"}";
  if (out.size() + tail.size() < options.size) out.append(options.size - out.size() - tail.size(), 'x');
  out.append(tail);
}

int fail(std::string_view what, natsStatus status) {
  std::fprintf(stderr, "%.*s: %s (%s)\n", static_cast<int>(what.size()), what.data(), natsStatus_GetText(status),
               nats_GetLastError(nullptr));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  po::options_description description("sluice-nats-publish options");
  description.add_options()("help,h", "show this help")(
      "url", po::value(&options.url)->default_value("nats://127.0.0.1:4222"), "NATS server URL")(
      "subject", po::value(&options.subject)->required(), "subject to publish to")(
      "count", po::value(&options.count)->default_value(100000), "messages to publish")(
      "size", po::value(&options.size)->default_value(256), "approximate payload size in bytes")(
      "jetstream", po::bool_switch(&options.jetstream), "publish to JetStream and wait for every ack (async)")(
      "format", po::value(&options.format)->default_value("structured"),
      "structured (CloudEvents JSON), binary (ce-* headers + JSON data) or plain (JSON to wrap)")(
      "max-pending", po::value(&options.max_pending)->default_value(4096),
      "JetStream: unacknowledged async publishes allowed in flight")(
      "stream", po::value(&options.stream), "JetStream: create this stream on --subject if it does not exist");
  try {
    po::variables_map values;
    po::store(po::parse_command_line(argc, argv, description), values);
    if (values.count("help") != 0) {
      std::cout << description << '\n';
      return 0;
    }
    po::notify(values);
    if (options.format != "structured" && options.format != "binary" && options.format != "plain") {
      throw po::error("--format must be structured, binary or plain");
    }
  } catch (const po::error& error) {
    std::fprintf(stderr, "sluice-nats-publish: %s\n", error.what());
    return 2;
  }

  natsConnection* connection = nullptr;
  if (natsStatus s = natsConnection_ConnectTo(&connection, options.url.c_str()); s != NATS_OK) {
    return fail("connect to " + options.url, s);
  }
  jsCtx* js = nullptr;
  if (options.jetstream) {
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.PublishAsync.MaxPending = options.max_pending;
    js_options.PublishAsync.ErrHandler = &on_publish_error;
    if (natsStatus s = natsConnection_JetStream(&js, connection, &js_options); s != NATS_OK) {
      return fail("JetStream context", s);
    }
    if (!options.stream.empty()) {
      jsStreamInfo* info = nullptr;
      jsErrCode code{};
      if (js_GetStreamInfo(&info, js, options.stream.c_str(), nullptr, &code) != NATS_OK) {
        const char* subjects[] = {options.subject.c_str()};
        jsStreamConfig config;
        jsStreamConfig_Init(&config);
        config.Name = options.stream.c_str();
        config.Subjects = subjects;
        config.SubjectsLen = 1;
        if (natsStatus s = js_AddStream(&info, js, &config, nullptr, &code); s != NATS_OK) {
          return fail("create stream " + options.stream, s);
        }
      }
      jsStreamInfo_Destroy(info);
    }
  }

  std::string payload;
  std::uint64_t errors = 0;
  std::uint64_t bytes = 0;
  const auto started = Clock::now();
  for (std::uint64_t n = 0; n < options.count; ++n) {
    render(options, n, payload);
    bytes += payload.size();
    natsStatus status = NATS_OK;
    natsMsg* msg = nullptr;
    if (options.format == "binary") {
      const std::string id = fmt::format("pub-{}", n);
      status = natsMsg_Create(&msg, options.subject.c_str(), nullptr, payload.data(), static_cast<int>(payload.size()));
      for (const auto& [name, value] :
           {std::pair{"ce-specversion", "1.0"}, std::pair{"ce-id", id.c_str()},
            std::pair{"ce-source", "/sluice-nats-publish"}, std::pair{"ce-type", "io.sluice.bench"},
            std::pair{"ce-datacontenttype", "application/json"}}) {
        if (status == NATS_OK) status = natsMsgHeader_Set(msg, name, value);
      }
    }
    if (status == NATS_OK) {
      if (js != nullptr) {
        status = msg != nullptr ? js_PublishMsgAsync(js, &msg, nullptr)
                                : js_PublishAsync(js, options.subject.c_str(), payload.data(),
                                                  static_cast<int>(payload.size()), nullptr);
      } else {
        status = msg != nullptr ? natsConnection_PublishMsg(connection, msg)
                                : natsConnection_Publish(connection, options.subject.c_str(), payload.data(),
                                                         static_cast<int>(payload.size()));
      }
    }
    natsMsg_Destroy(msg);  // null after a successful js_PublishMsgAsync (the library took it)
    if (status != NATS_OK && errors++ == 0) fail("publish", status);
  }
  natsStatus finished = NATS_OK;
  if (js != nullptr) {
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = 60'000;
    finished = js_PublishAsyncComplete(js, &wait);
  } else {
    finished = natsConnection_FlushTimeout(connection, 60'000);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (finished != NATS_OK) fail(js != nullptr ? "waiting for JetStream acks" : "flush", finished);
  errors += g_async_errors.load();

  std::printf(
      "published %llu messages (%zu bytes each, %s%s) to %s in %.3f s: %.0f msgs/s, %.1f MiB/s, %llu error(s)\n",
      static_cast<unsigned long long>(options.count), options.size, options.format.c_str(),
      options.jetstream ? ", JetStream acks" : ", core NATS", options.subject.c_str(), seconds,
      static_cast<double>(options.count) / seconds, static_cast<double>(bytes) / seconds / (1 << 20),
      static_cast<unsigned long long>(errors));
  jsCtx_Destroy(js);
  natsConnection_Destroy(connection);
  return errors == 0 && finished == NATS_OK ? 0 : 1;
}
