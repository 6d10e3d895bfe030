#include "sinks/amqp/error_mapping.hpp"

#include <amqp.h>
#include <gtest/gtest.h>

namespace sluice::amqp {
namespace {

const ErrorContext kContext{"sinks.rabbit", "cloudstack-events"};

struct Case {
  AmqpFailure::Kind kind;
  int code;
  ErrorClass expected;
  std::string_view reason;
  std::string_view key_in_message;  // the config key the hint must name
};

class ErrorMappingTable : public ::testing::TestWithParam<Case> {};

TEST_P(ErrorMappingTable, ClassifiesAndNamesTheKey) {
  const Case& c = GetParam();
  const ErrorDecision decision = classify(AmqpFailure{c.kind, c.code, "broker text", "publish"}, kContext);
  EXPECT_EQ(decision.error_class, c.expected) << decision.message;
  EXPECT_EQ(decision.reason, c.reason);
  EXPECT_NE(decision.message.find(c.key_in_message), std::string::npos) << decision.message;
  EXPECT_EQ(decision.message.find('\n'), std::string::npos);
}

using K = AmqpFailure::Kind;
constexpr auto R = ErrorClass::retryable;
constexpr auto P = ErrorClass::permanent;

INSTANTIATE_TEST_SUITE_P(
    ReplyCodes, ErrorMappingTable,
    ::testing::Values(Case{K::connection_close, 320, R, "connection_forced", "broker closed the connection"},
                      Case{K::connection_close, 403, P, "access_refused", "sinks.rabbit.password"},
                      Case{K::channel_close, 403, P, "access_refused", "cloudstack-events"},
                      Case{K::channel_close, 404, P, "exchange_not_found", "sinks.rabbit.declare_exchange"},
                      Case{K::channel_close, 406, P, "precondition_failed", "sinks.rabbit.exchange_type"},
                      Case{K::channel_close, 312, P, "unroutable", "sinks.rabbit.mandatory"},
                      Case{K::channel_close, 311, P, "message_too_large", "sinks.rabbit.max_message_size"},
                      Case{K::connection_close, 530, P, "vhost", "sinks.rabbit.url"},
                      Case{K::connection_close, 402, P, "vhost", "sinks.rabbit.url"},
                      Case{K::connection_close, 541, R, "broker_internal", "541"},
                      Case{K::connection_close, 506, R, "broker_resources", "506"},
                      Case{K::channel_close, 405, R, "resource_locked", "405"},
                      Case{K::connection_close, 540, P, "not_implemented", "sinks.rabbit.exchange_type"},
                      Case{K::connection_close, 501, P, "protocol", "report"},
                      Case{K::connection_close, 200, R, "closed_by_broker", "200"},
                      Case{K::connection_close, 999, R, "broker_error", "999"}));

INSTANTIATE_TEST_SUITE_P(
    LibraryStatuses, ErrorMappingTable,
    ::testing::Values(Case{K::library, AMQP_STATUS_SOCKET_ERROR, R, "connection_lost", "sinks.rabbit.url"},
                      Case{K::library, AMQP_STATUS_CONNECTION_CLOSED, R, "connection_lost", "sinks.rabbit.url"},
                      Case{K::library, AMQP_STATUS_TCP_ERROR, R, "connection_lost", "sinks.rabbit.url"},
                      Case{K::library, AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED, R, "dns", "sinks.rabbit.url"},
                      Case{K::library, AMQP_STATUS_TIMEOUT, R, "timeout", "sinks.rabbit.connect_timeout"},
                      Case{K::library, AMQP_STATUS_HEARTBEAT_TIMEOUT, R, "heartbeat_timeout",
                           "sinks.rabbit.heartbeat"},
                      Case{K::library, AMQP_STATUS_SSL_PEER_VERIFY_FAILED, P, "tls_untrusted",
                           "sinks.rabbit.tls.ca_file"},
                      Case{K::library, AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED, P, "tls_hostname",
                           "sinks.rabbit.tls.verify_hostname"},
                      Case{K::library, AMQP_STATUS_SSL_CONNECTION_FAILED, P, "tls_handshake", "sinks.rabbit.tls"},
                      Case{K::library, AMQP_STATUS_INCOMPATIBLE_AMQP_VERSION, P, "protocol", "sinks.rabbit.url"},
                      Case{K::library, AMQP_STATUS_BAD_AMQP_DATA, P, "protocol", "sinks.rabbit.url"},
                      Case{K::library, AMQP_STATUS_TABLE_TOO_BIG, P, "message_too_large", "headers"},
                      Case{K::library, AMQP_STATUS_NO_MEMORY, R, "client_resources", "memory"}));

TEST(ErrorMapping, MessageCarriesOperationAndBrokerText) {
  const ErrorDecision decision = classify(
      AmqpFailure{K::channel_close, 404, "NOT_FOUND - no exchange 'x' in vhost '/'", "exchange.declare"}, kContext);
  EXPECT_EQ(decision.message.rfind("exchange.declare failed: broker closed the channel: 404 NOT_FOUND", 0), 0u)
      << decision.message;
}

}  // namespace
}  // namespace sluice::amqp
