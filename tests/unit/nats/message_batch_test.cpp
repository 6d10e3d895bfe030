#include "sources/nats/message_batch.hpp"

#include "support/recording_token.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

namespace sluice {
namespace {

using testing::OutcomeSlot;
using testing::RecordingToken;

struct MessageDeleter {
  void operator()(natsMsg* msg) const noexcept { natsMsg_Destroy(msg); }
};
using Message = std::unique_ptr<natsMsg, MessageDeleter>;

Message make_message(const char* subject, std::string_view payload,
                     std::initializer_list<std::pair<const char*, const char*>> headers = {}) {
  // Messages are garbage-collected by the library, which a connection would have opened.
  EXPECT_EQ(nats_Open(-1), NATS_OK);
  natsMsg* msg = nullptr;
  EXPECT_EQ(natsMsg_Create(&msg, subject, nullptr, payload.data(), static_cast<int>(payload.size())), NATS_OK);
  for (const auto& [name, value] : headers) EXPECT_EQ(natsMsgHeader_Add(msg, name, value), NATS_OK);
  return Message(msg);
}

struct Builder {
  Admission admission{1 << 20, 1000};

  BuiltBatch build(natsMsg* msg, const MessageFormat& format) {
    auto lease = admission.try_acquire(message_charge(msg));
    EXPECT_TRUE(lease);
    return build_message_batch(msg, "nats-test", format,
                               std::make_unique<RecordingToken>(std::make_shared<OutcomeSlot>()), std::move(*lease));
  }
};

std::shared_ptr<const WrapRenderer> aporeto_wrap() {
  return std::make_shared<const WrapRenderer>(WrapTemplate("aporeto.{data.identity}.{data.type}"),
                                              WrapTemplate("nats://{nats.subject}"));
}

TEST(MessageBatch, CopiesThePayloadIntoAPaddedBuffer) {
  Builder builder;
  const std::string payload = R"({"specversion":"1.0","id":"1","source":"/s","type":"t"})";
  auto msg = make_message("events", payload);
  BuiltBatch built = builder.build(msg.get(), MessageFormat{});
  ASSERT_TRUE(built.batch) << built.error;
  EXPECT_EQ(built.batch->mode(), ContentMode::structured);
  EXPECT_EQ(built.batch->body().view(), payload);
  EXPECT_NE(built.batch->body().data(), natsMsg_GetData(msg.get()));
  EXPECT_EQ(built.batch->source_name(), "nats-test");
  EXPECT_EQ(built.batch->lease().bytes(), payload.size());
}

TEST(MessageBatch, BinaryModeCopiesAttributesIntoTheArena) {
  Builder builder;
  auto msg = make_message("events", R"({"x":1})",
                          {{"ce-specversion", "1.0"},
                           {"ce-id", "42"},
                           {"ce-type", "com.example.t"},
                           {"ce-source", "/a%20b"},
                           {"ce-datacontenttype", "application/json"},
                           {"Other", "x"}});
  BuiltBatch built = builder.build(msg.get(), MessageFormat{});
  ASSERT_TRUE(built.batch) << built.error;
  EXPECT_EQ(built.batch->mode(), ContentMode::binary);
  std::vector<std::pair<std::string, std::string>> attributes(built.batch->binary_attributes.begin(),
                                                              built.batch->binary_attributes.end());
  std::sort(attributes.begin(), attributes.end());
  EXPECT_EQ(attributes, (std::vector<std::pair<std::string, std::string>>{{"datacontenttype", "application/json"},
                                                                          {"id", "42"},
                                                                          {"source", "/a b"},
                                                                          {"specversion", "1.0"},
                                                                          {"type", "com.example.t"}}));
  // The views must not point into the message, which is freed long before the batch.
  msg.reset();
  EXPECT_EQ(built.batch->binary_attributes[0].second.empty(), false);
}

TEST(MessageBatch, MalformedHeaderIsReportedInsteadOfABatch) {
  Builder builder;
  auto msg = make_message("events", "{}", {{"ce-specversion", "1.0"}, {"ce-id", "%G1"}});
  BuiltBatch built = builder.build(msg.get(), MessageFormat{});
  EXPECT_FALSE(built.batch);
  EXPECT_NE(built.error.find("ce-id"), std::string::npos);
  EXPECT_EQ(builder.admission.bytes_in_use(), 0u);  // the lease went back with the failed build
}

TEST(MessageBatch, WrapModeRendersTypeAndSourceFromThePayload) {
  Builder builder;
  auto msg = make_message("aporeto.events", R"({"entity":{"name":"web"},"identity":"processingunit","type":"update"})");
  BuiltBatch built = builder.build(msg.get(), MessageFormat{PayloadMode::auto_detect, aporeto_wrap()});
  ASSERT_TRUE(built.batch) << built.error;
  EXPECT_EQ(built.batch->mode(), ContentMode::plain_json);
  EXPECT_EQ(built.batch->wrap_type, "aporeto.processingunit.update");
  EXPECT_EQ(built.batch->wrap_source, "nats://aporeto.events");
}

TEST(MessageBatch, EmptyRenderingsLeaveTheDecoderDefaults) {
  Builder builder;
  auto msg = make_message("s", "[1]");
  auto wrap = std::make_shared<const WrapRenderer>(WrapTemplate("{data.missing}"), WrapTemplate("{data.missing}"));
  BuiltBatch built = builder.build(msg.get(), MessageFormat{PayloadMode::wrap, wrap});
  ASSERT_TRUE(built.batch);
  EXPECT_TRUE(built.batch->wrap_type.empty());
  EXPECT_TRUE(built.batch->wrap_source.empty());
}

// The JetStream case (`<stream>-<sequence>`, the same on redelivery) needs messages received
// through a subscription, which cnats alone can read metadata from: see
// tests/integration/nats/nats_source_test.cpp, AWrappedJetStreamMessageKeepsItsIdWhenRedelivered.
TEST(MessageBatch, WrappedCoreMessagesGetNoDerivedId) {
  Builder builder;
  auto core = make_message("orders.created", R"({"n":1})");
  EXPECT_EQ(jetstream_event_id(core.get()), "");
  BuiltBatch wrapped = builder.build(core.get(), MessageFormat{PayloadMode::wrap, aporeto_wrap()});
  ASSERT_TRUE(wrapped.batch) << wrapped.error;
  EXPECT_TRUE(wrapped.batch->wrap_id.empty()) << "core NATS keeps the decoder's unique ids";

  // A request's reply subject is not JetStream metadata.
  EXPECT_EQ(nats_Open(-1), NATS_OK);
  natsMsg* raw = nullptr;
  ASSERT_EQ(natsMsg_Create(&raw, "orders.created", "_INBOX.abc.1", "{}", 2), NATS_OK);
  Message request(raw);
  EXPECT_EQ(jetstream_event_id(request.get()), "");
}

TEST(MessageBatch, EmptyMessagesAreChargedOneByte) {
  auto msg = make_message("s", "");
  EXPECT_EQ(message_charge(msg.get()), 1u);
  Builder builder;
  BuiltBatch built = builder.build(msg.get(), MessageFormat{PayloadMode::wrap, aporeto_wrap()});
  ASSERT_TRUE(built.batch);
  EXPECT_EQ(built.batch->body().size(), 0u);
}

}  // namespace
}  // namespace sluice
