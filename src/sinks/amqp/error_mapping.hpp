#pragma once
// The one place that decides what an AMQP failure means: Retryable (reconnect, publish again,
// the client may retry) or Permanent (configuration or the message itself must change), with a
// one-line message that names the config key to change. Pure functions: thread-safe.
//
// librabbitmq headers stay out of here: library statuses are passed as their int values
// (amqp_status_enum), broker closes as their AMQP reply codes.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::amqp {

enum class ErrorClass : std::uint8_t { retryable, permanent };

struct AmqpFailure {
  enum class Kind : std::uint8_t {
    library,           // a librabbitmq status (socket, TLS, timeout, protocol)
    connection_close,  // connection.close from the broker (reply code + text)
    channel_close,     // channel.close from the broker (reply code + text)
  };
  Kind kind = Kind::library;
  int code = 0;            // amqp_status_enum for `library`, the reply code for closes
  std::string text;        // the broker's reply text or librabbitmq's error string
  std::string_view operation;  // what was being done: "connect", "login", "exchange.declare", "publish"
};

struct ErrorDecision {
  ErrorClass error_class = ErrorClass::retryable;
  std::string_view reason;  // short, stable metric label: "connection_lost", "access_refused", ...
  std::string message;      // one line for logs, start-up errors and clients; names the key to change
};

struct ErrorContext {
  std::string_view key_prefix;  // "sinks.rabbit"
  std::string_view exchange;
};

ErrorDecision classify(const AmqpFailure& failure, const ErrorContext& context);

// AMQP 0-9-1 reply codes (spec §1.9.1 constants) that the sink refers to by name.
namespace reply_code {
inline constexpr int kReplySuccess = 200;
inline constexpr int kContentTooLarge = 311;
inline constexpr int kNoRoute = 312;
inline constexpr int kNoConsumers = 313;
inline constexpr int kConnectionForced = 320;
inline constexpr int kInvalidPath = 402;
inline constexpr int kAccessRefused = 403;
inline constexpr int kNotFound = 404;
inline constexpr int kResourceLocked = 405;
inline constexpr int kPreconditionFailed = 406;
inline constexpr int kFrameError = 501;
inline constexpr int kSyntaxError = 502;
inline constexpr int kCommandInvalid = 503;
inline constexpr int kChannelError = 504;
inline constexpr int kUnexpectedFrame = 505;
inline constexpr int kResourceError = 506;
inline constexpr int kNotAllowed = 530;
inline constexpr int kNotImplemented = 540;
inline constexpr int kInternalError = 541;
}  // namespace reply_code

}  // namespace sluice::amqp
