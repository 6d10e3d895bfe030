#include "sinks/kafka/error_mapping.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::kafka {
namespace {

TEST(KafkaErrorMapping, RecordProblemsArePermanent) {
  for (rd_kafka_resp_err_t error :
       {RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION,
        RD_KAFKA_RESP_ERR_INVALID_RECORD, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE,
        RD_KAFKA_RESP_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT, RD_KAFKA_RESP_ERR__INVALID_ARG}) {
    EXPECT_EQ(classify_kafka_error(error).status, DeliveryStatus::permanent_failure) << rd_kafka_err2name(error);
  }
}

TEST(KafkaErrorMapping, PathProblemsAreRetryable) {
  for (rd_kafka_resp_err_t error :
       {RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED, RD_KAFKA_RESP_ERR__PURGE_INFLIGHT,
        RD_KAFKA_RESP_ERR__PURGE_QUEUE, RD_KAFKA_RESP_ERR__FATAL, RD_KAFKA_RESP_ERR__QUEUE_FULL,
        RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED}) {
    EXPECT_EQ(classify_kafka_error(error).status, DeliveryStatus::retryable_failure) << rd_kafka_err2name(error);
  }
}

TEST(KafkaErrorMapping, HintsNameTheKeyToChange) {
  EXPECT_NE(describe_kafka_error(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "sinks.k").find(
                "sinks.k.properties.message.max.bytes"),
            std::string::npos);
  EXPECT_NE(describe_kafka_error(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, "sinks.k").find("sinks.k.delivery_timeout"),
            std::string::npos);
  EXPECT_NE(describe_kafka_error(RD_KAFKA_RESP_ERR__TRANSPORT, "sinks.k").find("sinks.k.brokers"), std::string::npos);
  EXPECT_NE(describe_kafka_error(RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED, "sinks.k")
                .find("sinks.k.properties.enable.idempotence"),
            std::string::npos);
  EXPECT_NE(describe_kafka_error(RD_KAFKA_RESP_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT, "sinks.k").find("sinks.k.format"),
            std::string::npos);
}

// Every code librdkafka knows gets a decision and a hint that names a key.
TEST(KafkaErrorMapping, EveryCodeHasAHintNamingAKey) {
  const rd_kafka_err_desc* descriptions = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descriptions, &count);
  ASSERT_GT(count, 100u);
  for (size_t i = 0; i < count; ++i) {
    if (descriptions[i].name == nullptr) continue;  // gaps in the table
    const auto code = descriptions[i].code;
    if (code == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    const std::string text = describe_kafka_error(code, "sinks.k");
    const bool names_key = text.find("sinks.k.") != std::string::npos || text.find("shutdown_timeout") != std::string::npos;
    EXPECT_TRUE(names_key) << text;
    EXPECT_NE(text.find(rd_kafka_err2name(code)), std::string::npos) << text;
    EXPECT_EQ(text.find("{sink}"), std::string::npos) << text;
  }
}

TEST(KafkaErrorMapping, LabelsAreMetricFriendly) {
  EXPECT_EQ(kafka_error_label(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), "msg_timed_out");
  EXPECT_EQ(kafka_error_label(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE), "msg_size_too_large");
}

TEST(KafkaErrorMapping, TextsAreCachedPerCode) {
  KafkaErrorTexts texts("sinks.k");
  const std::string& first = texts.describe(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
  const std::string& again = texts.describe(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
  EXPECT_EQ(&first, &again);
  EXPECT_NE(first.find("kafka sink 'k'"), std::string::npos);
}

}  // namespace
}  // namespace sluice::kafka
