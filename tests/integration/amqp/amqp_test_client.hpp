#pragma once
// A plain librabbitmq client for the integration tests: declares and binds what a test needs and
// reads back what the sink published. Blocking, single-threaded; every read has a deadline.

#include <amqp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sluice::testing {

struct ReceivedMessage {
  std::string exchange;
  std::string routing_key;
  std::string content_type;
  std::string body;
  std::uint8_t delivery_mode = 0;
  // Header values as text ("S" strings as they are, 'l' as the number, 't' as true/false), and
  // their AMQP field kinds.
  std::map<std::string, std::string> headers;
  std::map<std::string, char> header_kinds;
};

class AmqpTestClient {
 public:
  explicit AmqpTestClient(std::uint16_t port);
  ~AmqpTestClient();
  AmqpTestClient(const AmqpTestClient&) = delete;
  AmqpTestClient& operator=(const AmqpTestClient&) = delete;

  void declare_exchange(const std::string& name, const std::string& type = "topic", bool durable = true);
  void delete_exchange(const std::string& name);
  // A durable queue with optional x-arguments (x-max-length as a long, x-overflow as a string).
  void declare_queue(const std::string& name, std::map<std::string, std::string> string_args = {},
                     std::map<std::string, std::int64_t> long_args = {});
  void bind(const std::string& queue, const std::string& exchange, const std::string& binding_key);
  void delete_queue(const std::string& name);
  std::uint32_t message_count(const std::string& queue);
  // Consumes (auto-ack) until `count` messages arrived, the deadline passed, or none came for
  // `idle`. Cancel only when nothing more is expected: an auto-ack consumer loses what is in flight.
  std::vector<ReceivedMessage> consume(const std::string& queue, std::size_t count,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(20),
                                       std::chrono::milliseconds idle = std::chrono::seconds(20));
  // Consumes whatever arrives until the queue stays quiet for `quiet`.
  std::vector<ReceivedMessage> drain(const std::string& queue,
                                     std::chrono::milliseconds quiet = std::chrono::milliseconds(500));

 private:
  void check(const char* what);
  void reopen_channel();

  amqp_connection_state_t connection_ = nullptr;
  amqp_channel_t channel_ = 1;
};

}  // namespace sluice::testing
