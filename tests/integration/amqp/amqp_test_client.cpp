#include "amqp_test_client.hpp"

#include <amqp_tcp_socket.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace sluice::testing {
namespace {

std::string text(amqp_bytes_t bytes) { return {static_cast<const char*>(bytes.bytes), bytes.len}; }

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

ReceivedMessage convert(const amqp_envelope_t& envelope) {
  ReceivedMessage message;
  message.exchange = text(envelope.exchange);
  message.routing_key = text(envelope.routing_key);
  message.body = text(envelope.message.body);
  const amqp_basic_properties_t& properties = envelope.message.properties;
  if (properties._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) message.content_type = text(properties.content_type);
  if (properties._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) message.delivery_mode = properties.delivery_mode;
  if (properties._flags & AMQP_BASIC_HEADERS_FLAG) {
    for (int i = 0; i < properties.headers.num_entries; ++i) {
      const amqp_table_entry_t& entry = properties.headers.entries[i];
      const std::string key = text(entry.key);
      message.header_kinds[key] = static_cast<char>(entry.value.kind);
      switch (entry.value.kind) {
        case AMQP_FIELD_KIND_UTF8:
        case AMQP_FIELD_KIND_BYTES:
          message.headers[key] = text(entry.value.value.bytes);
          break;
        case AMQP_FIELD_KIND_I64:
          message.headers[key] = std::to_string(entry.value.value.i64);
          break;
        case AMQP_FIELD_KIND_BOOLEAN:
          message.headers[key] = entry.value.value.boolean ? "true" : "false";
          break;
        default:
          message.headers[key] = "?";
      }
    }
  }
  return message;
}

}  // namespace

AmqpTestClient::AmqpTestClient(std::uint16_t port) {
  connection_ = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(connection_);
  timeval timeout{5, 0};
  if (amqp_socket_open_noblock(socket, "127.0.0.1", port, &timeout) != AMQP_STATUS_OK) {
    amqp_destroy_connection(connection_);
    throw std::runtime_error("test client: cannot connect");
  }
  amqp_set_rpc_timeout(connection_, &timeout);
  const amqp_rpc_reply_t login =
      amqp_login(connection_, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest");
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    amqp_destroy_connection(connection_);
    throw std::runtime_error("test client: login failed");
  }
  amqp_channel_open(connection_, channel_);
  check("channel.open");
}

AmqpTestClient::~AmqpTestClient() {
  amqp_connection_close(connection_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(connection_);
}

void AmqpTestClient::check(const char* what) {
  const amqp_rpc_reply_t reply = amqp_get_rpc_reply(connection_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
  std::string detail = "reply type " + std::to_string(reply.reply_type);
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    detail = text(static_cast<amqp_channel_close_t*>(reply.reply.decoded)->reply_text);
    reopen_channel();
  }
  throw std::runtime_error(std::string("test client: ") + what + ": " + detail);
}

void AmqpTestClient::reopen_channel() {
  amqp_channel_close_ok_t close_ok{};
  amqp_send_method(connection_, channel_, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok);
  ++channel_;
  amqp_channel_open(connection_, channel_);
}

void AmqpTestClient::declare_exchange(const std::string& name, const std::string& type, bool durable) {
  amqp_exchange_declare(connection_, channel_, amqp_cstring_bytes(name.c_str()), amqp_cstring_bytes(type.c_str()), 0,
                        durable ? 1 : 0, 0, 0, amqp_empty_table);
  check("exchange.declare");
}

void AmqpTestClient::delete_exchange(const std::string& name) {
  amqp_exchange_delete(connection_, channel_, amqp_cstring_bytes(name.c_str()), 0);
  check("exchange.delete");
}

void AmqpTestClient::declare_queue(const std::string& name, std::map<std::string, std::string> string_args,
                                   std::map<std::string, std::int64_t> long_args) {
  std::vector<amqp_table_entry_t> entries;
  for (const auto& [key, value] : string_args) {
    amqp_table_entry_t entry{};
    entry.key = amqp_cstring_bytes(key.c_str());
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = amqp_cstring_bytes(value.c_str());
    entries.push_back(entry);
  }
  for (const auto& [key, value] : long_args) {
    amqp_table_entry_t entry{};
    entry.key = amqp_cstring_bytes(key.c_str());
    entry.value.kind = AMQP_FIELD_KIND_I64;
    entry.value.value.i64 = value;
    entries.push_back(entry);
  }
  const amqp_table_t arguments{static_cast<int>(entries.size()), entries.data()};
  amqp_queue_declare(connection_, channel_, amqp_cstring_bytes(name.c_str()), 0, 1, 0, 0, arguments);
  check("queue.declare");
}

void AmqpTestClient::bind(const std::string& queue, const std::string& exchange, const std::string& binding_key) {
  amqp_queue_bind(connection_, channel_, amqp_cstring_bytes(queue.c_str()), amqp_cstring_bytes(exchange.c_str()),
                  amqp_cstring_bytes(binding_key.c_str()), amqp_empty_table);
  check("queue.bind");
}

void AmqpTestClient::delete_queue(const std::string& name) {
  amqp_queue_delete(connection_, channel_, amqp_cstring_bytes(name.c_str()), 0, 0);
  check("queue.delete");
}

std::uint32_t AmqpTestClient::message_count(const std::string& queue) {
  amqp_queue_declare_ok_t* ok =
      amqp_queue_declare(connection_, channel_, amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0, amqp_empty_table);
  check("queue.declare (passive)");
  return ok->message_count;
}

std::vector<ReceivedMessage> AmqpTestClient::consume(const std::string& queue, std::size_t count,
                                                     std::chrono::milliseconds timeout,
                                                     std::chrono::milliseconds idle) {
  std::vector<ReceivedMessage> messages;
  amqp_basic_qos(connection_, channel_, 0, 1000, 0);
  check("basic.qos");
  amqp_basic_consume_ok_t* consume_ok =
      amqp_basic_consume(connection_, channel_, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, 1, 0,
                         amqp_empty_table);
  check("basic.consume");
  const std::string tag = text(consume_ok->consumer_tag);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (messages.size() < count) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    timeval tv = to_timeval(std::min(left, idle));
    amqp_envelope_t envelope;
    amqp_maybe_release_buffers(connection_);
    const amqp_rpc_reply_t reply = amqp_consume_message(connection_, &envelope, &tv, 0);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) break;
      throw std::runtime_error("test client: consume failed");
    }
    messages.push_back(convert(envelope));
    amqp_destroy_envelope(&envelope);
  }
  amqp_basic_cancel(connection_, channel_, amqp_cstring_bytes(tag.c_str()));
  check("basic.cancel");
  return messages;
}

std::vector<ReceivedMessage> AmqpTestClient::drain(const std::string& queue, std::chrono::milliseconds quiet) {
  // One consumer for everything: cancelling an auto-ack consumer loses what is in flight.
  return consume(queue, SIZE_MAX, std::chrono::minutes(5), quiet);
}

}  // namespace sluice::testing
