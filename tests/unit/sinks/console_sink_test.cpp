#include "sinks/console/console_sink.hpp"
#include "sinks/console/line_format.hpp"

#include "config/config_node.hpp"
#include "unit/sinks/sink_test_support.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace sluice::console {
namespace {

using namespace std::chrono_literals;

TEST(ConsoleLine, StructuredIsOneLineOfJson) {
  Event event;
  event.id = "1";
  event.source = "/s";
  event.specversion = "1.0";
  event.type = "t";
  event.structured_json = "{\n  \"id\": \"1\",\r\n  \"specversion\": \"1.0\"\n}";
  std::string out;
  std::string scratch;
  append_console_line(out, event, OutputFormat::structured, scratch);
  ASSERT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(boost::json::parse(out).at("id"), "1");

  event.structured_json = {};
  event.data_kind = DataKind::json;
  event.data = R"({"text":"multi\nline"})";
  out.clear();
  append_console_line(out, event, OutputFormat::structured, scratch);
  EXPECT_EQ(boost::json::parse(out).at("data").at("text"), "multi\nline");
}

TEST(ConsoleLine, BinaryPrintsTheData) {
  Event event;
  event.data_kind = DataKind::json;
  event.datacontenttype = "text/plain";
  event.data = R"("hello")";
  std::string out;
  std::string scratch;
  append_console_line(out, event, OutputFormat::binary, scratch);
  EXPECT_EQ(out, "hello\n");
}

TEST(ConsoleConfig, KeysAndErrors) {
  const ConfigNode root = load_config_text(
      "sinks:\n  c: { type: console, stream: stderr, format: binary, budget_share: 0.1 }\n"
      "  bad: { type: console, colour: red }\n",
      "test.yaml");
  const ConsoleSinkConfig config = parse_console_sink_config(*root.child("sinks")->child("c"));
  EXPECT_EQ(config.name, "c");
  EXPECT_EQ(config.stream, ConsoleStream::stderr_stream);
  EXPECT_EQ(config.format, OutputFormat::binary);
  try {
    parse_console_sink_config(*root.child("sinks")->child("bad"));
    FAIL() << "expected an error";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("sinks.bad.colour: unknown key"), std::string::npos) << error.what();
  }
}

TEST(ConsoleSink, WritesEveryRecordAndDeliversIt) {
  Telemetry telemetry;
  SinkContext context{"console", telemetry, 1 << 20};
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ConsoleSink sink(ConsoleSinkConfig{"console", ConsoleStream::stdout_stream, OutputFormat::structured}, context,
                   file);
  sink.start();
  EXPECT_TRUE(sink.ready());

  constexpr int kEvents = 50;
  sluice::testing::TestBatch batch;
  for (int i = 0; i < kEvents; ++i) batch.add_event(std::to_string(i));
  for (int i = 0; i < kEvents; ++i) batch.add_record(static_cast<std::size_t>(i), sink.queue());
  const auto outcome = batch.submit(sink.queue())->wait(10s);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered);
  sink.stop(std::chrono::steady_clock::now() + 1s);

  std::rewind(file);
  std::string contents;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), file)) > 0;) contents.append(buffer, n);
  std::fclose(file);
  int lines = 0;
  for (std::size_t start = 0, end; (end = contents.find('\n', start)) != std::string::npos; start = end + 1) {
    EXPECT_EQ(std::string(boost::json::parse(contents.substr(start, end - start)).at("id").as_string()), std::to_string(lines));
    ++lines;
  }
  EXPECT_EQ(lines, kEvents);
  EXPECT_EQ(telemetry.component("sink", "console").events_out.Value(), kEvents);
}

TEST(ConsoleSink, StopAnswersRecordsOfASinkThatNeverStarted) {
  Telemetry telemetry;
  SinkContext context{"console", telemetry, 1 << 20};
  std::FILE* file = std::tmpfile();
  auto sink = std::make_unique<ConsoleSink>(
      ConsoleSinkConfig{"console", ConsoleStream::stdout_stream, OutputFormat::structured}, context, file);
  sluice::testing::TestBatch batch;
  batch.add_event();
  batch.add_record(0, sink->queue());
  const auto state = batch.submit(sink->queue());
  sink->stop(std::chrono::steady_clock::now());  // deadline passed: records fail, none stay open
  const auto outcome = state->wait(1s);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  std::fclose(file);
}

}  // namespace
}  // namespace sluice::console
