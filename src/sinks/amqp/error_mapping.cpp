#include "sinks/amqp/error_mapping.hpp"

#include <amqp.h>
#include <fmt/format.h>

namespace sluice::amqp {
namespace {

struct Rule {
  ErrorClass error_class;
  std::string_view reason;
  std::string hint;  // what to change, naming the key
};

Rule library_rule(int status, const ErrorContext& c) {
  const std::string url = fmt::format("{}.url", c.key_prefix);
  switch (status) {
    case AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED:
      return {ErrorClass::retryable, "dns", fmt::format("cannot resolve the host; check {}", url)};
    case AMQP_STATUS_SOCKET_ERROR:
    case AMQP_STATUS_TCP_ERROR:
    case AMQP_STATUS_CONNECTION_CLOSED:
    case AMQP_STATUS_SOCKET_CLOSED:
      return {ErrorClass::retryable, "connection_lost",
              fmt::format("is the broker running and reachable at {}?", url)};
    case AMQP_STATUS_TIMEOUT:
      return {ErrorClass::retryable, "timeout",
              fmt::format("the broker did not answer in time; check {} or raise {}.connect_timeout", url,
                          c.key_prefix)};
    case AMQP_STATUS_HEARTBEAT_TIMEOUT:
      return {ErrorClass::retryable, "heartbeat_timeout",
              fmt::format("missed broker heartbeats; check the network or {}.heartbeat", c.key_prefix)};
    case AMQP_STATUS_NO_MEMORY:
    case AMQP_STATUS_TIMER_FAILURE:
      return {ErrorClass::retryable, "client_resources", "the client ran out of memory or timers"};
    case AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED:
      return {ErrorClass::permanent, "tls_hostname",
              fmt::format("the broker's certificate does not name the host in {}; use the name on the "
                          "certificate or set {}.tls.verify_hostname: false",
                          url, c.key_prefix)};
    case AMQP_STATUS_SSL_PEER_VERIFY_FAILED:
      return {ErrorClass::permanent, "tls_untrusted",
              fmt::format("the broker's certificate is not trusted; set {}.tls.ca_file to its CA", c.key_prefix)};
    case AMQP_STATUS_SSL_ERROR:
    case AMQP_STATUS_SSL_CONNECTION_FAILED:
    case AMQP_STATUS_SSL_SET_ENGINE_FAILED:
      return {ErrorClass::permanent, "tls_handshake",
              fmt::format("TLS handshake failed; {} must name the broker's TLS port (usually 5671) and "
                          "{}.tls its certificate files",
                          url, c.key_prefix)};
    case AMQP_STATUS_BROKER_UNSUPPORTED_SASL_METHOD:
      return {ErrorClass::permanent, "auth_mechanism", "the broker does not accept PLAIN authentication"};
    case AMQP_STATUS_INCOMPATIBLE_AMQP_VERSION:
    case AMQP_STATUS_BAD_AMQP_DATA:
    case AMQP_STATUS_UNKNOWN_CLASS:
    case AMQP_STATUS_UNKNOWN_METHOD:
    case AMQP_STATUS_UNEXPECTED_STATE:
    case AMQP_STATUS_WRONG_METHOD:
      return {ErrorClass::permanent, "protocol",
              fmt::format("the peer does not speak AMQP 0-9-1; check the port in {}", url)};
    case AMQP_STATUS_BAD_URL:
      return {ErrorClass::permanent, "config", fmt::format("check {}", url)};
    case AMQP_STATUS_TABLE_TOO_BIG:
      return {ErrorClass::permanent, "message_too_large", "the message headers are too large to encode"};
    case AMQP_STATUS_INVALID_PARAMETER:
    case AMQP_STATUS_UNSUPPORTED:
      return {ErrorClass::permanent, "config",
              fmt::format("librabbitmq refused a parameter; check {}.frame_max and {}.heartbeat", c.key_prefix,
                          c.key_prefix)};
    default:
      return {ErrorClass::retryable, "connection_lost", fmt::format("check {}", url)};
  }
}

Rule reply_rule(int code, const ErrorContext& c) {
  namespace rc = reply_code;
  switch (code) {
    case rc::kReplySuccess:
      return {ErrorClass::retryable, "closed_by_broker", "the broker closed the connection normally"};
    case rc::kConnectionForced:
      return {ErrorClass::retryable, "connection_forced",
              "the broker closed the connection (restart, maintenance or an operator)"};
    case rc::kContentTooLarge:
      return {ErrorClass::permanent, "message_too_large",
              fmt::format("raise the broker's max_message_size or lower {}.max_message_size", c.key_prefix)};
    case rc::kNoRoute:
    case rc::kNoConsumers:
      return {ErrorClass::permanent, "unroutable",
              fmt::format("bind a queue to exchange '{}' or set {}.mandatory: false", c.exchange, c.key_prefix)};
    case rc::kInvalidPath:
    case rc::kNotAllowed:
      return {ErrorClass::permanent, "vhost",
              fmt::format("the vhost in {}.url does not exist or the user may not use it", c.key_prefix)};
    case rc::kAccessRefused:
      return {ErrorClass::permanent, "access_refused",
              fmt::format("check the user and password ({}.url, {}.password) and the user's permissions "
                          "on the vhost and exchange '{}'",
                          c.key_prefix, c.key_prefix, c.exchange)};
    case rc::kNotFound:
      return {ErrorClass::permanent, "exchange_not_found",
              fmt::format("exchange '{}' does not exist; create it or set {}.declare_exchange: true", c.exchange,
                          c.key_prefix)};
    case rc::kResourceLocked:
      return {ErrorClass::retryable, "resource_locked", "the resource is locked by another connection"};
    case rc::kPreconditionFailed:
      return {ErrorClass::permanent, "precondition_failed",
              fmt::format("exchange '{}' exists with other settings; match {}.exchange_type and "
                          "{}.exchange_durable, or set {}.declare_exchange: passive",
                          c.exchange, c.key_prefix, c.key_prefix, c.key_prefix)};
    case rc::kFrameError:
    case rc::kSyntaxError:
    case rc::kCommandInvalid:
    case rc::kChannelError:
    case rc::kUnexpectedFrame:
      return {ErrorClass::permanent, "protocol", "a protocol error between sluice and the broker (please report it)"};
    case rc::kResourceError:
      return {ErrorClass::retryable, "broker_resources", "the broker is short of resources"};
    case rc::kNotImplemented:
      return {ErrorClass::permanent, "not_implemented",
              fmt::format("the broker lacks a feature sluice needs (publisher confirms, or the exchange type in "
                          "{}.exchange_type)",
                          c.key_prefix)};
    case rc::kInternalError:
      return {ErrorClass::retryable, "broker_internal", "the broker had an internal error"};
    default:
      return {ErrorClass::retryable, "broker_error", fmt::format("unexpected reply code {}", code)};
  }
}

}  // namespace

ErrorDecision classify(const AmqpFailure& failure, const ErrorContext& context) {
  const Rule rule = failure.kind == AmqpFailure::Kind::library ? library_rule(failure.code, context)
                                                               : reply_rule(failure.code, context);
  ErrorDecision decision;
  decision.error_class = rule.error_class;
  decision.reason = rule.reason;
  std::string what;
  switch (failure.kind) {
    case AmqpFailure::Kind::library:
      what = failure.text.empty() ? fmt::format("librabbitmq status {}", failure.code) : failure.text;
      break;
    case AmqpFailure::Kind::connection_close:
      what = fmt::format("broker closed the connection: {} {}", failure.code, failure.text);
      break;
    case AmqpFailure::Kind::channel_close:
      what = fmt::format("broker closed the channel: {} {}", failure.code, failure.text);
      break;
  }
  decision.message = failure.operation.empty()
                         ? fmt::format("{}: {}", what, rule.hint)
                         : fmt::format("{} failed: {}: {}", failure.operation, what, rule.hint);
  return decision;
}

}  // namespace sluice::amqp
