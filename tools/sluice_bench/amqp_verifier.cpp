#include "amqp_verifier.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "event_id.hpp"

namespace sluice::bench {
namespace {

constexpr std::uint16_t kChannel = 1;
constexpr timeval kPollTimeout{0, 100'000};
constexpr std::chrono::milliseconds kExchangeRetry{200};
constexpr int kFrameMax = 131072;
// Same settle rule as the Kafka verifier: after the last acknowledged id, keep reading until the
// queue has been quiet this long (to count late duplicates), but never longer than kMaxSettle.
constexpr std::chrono::milliseconds kSettleIdle{300};
constexpr std::chrono::seconds kMaxSettle{2};
constexpr std::size_t kMissingExamples = 10;
// Ids claiming absurd connection or sequence numbers are not ours; bounding them bounds the
// seen-set's memory.
constexpr std::uint32_t kMaxConnection = 1 << 16;
constexpr std::uint64_t kMaxSeq = std::uint64_t{1} << 32;

std::string_view view(amqp_bytes_t b) {
  return b.len == 0 ? std::string_view() : std::string_view(static_cast<const char*>(b.bytes), b.len);
}

amqp_bytes_t bytes(const std::string& s) { return amqp_bytes_t{s.size(), const_cast<char*>(s.data())}; }

// One line saying why an RPC failed, with the broker's reply code and text when it sent one.
std::string reply_error(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL: return "ok";
    case AMQP_RESPONSE_NONE: return "missing RPC reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION: break;
  }
  if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* m = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
    return fmt::format("channel closed by the broker: {} {}", m->reply_code, view(m->reply_text));
  }
  if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    const auto* m = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
    return fmt::format("connection closed by the broker: {} {}", m->reply_code, view(m->reply_text));
  }
  return fmt::format("unexpected broker method 0x{:08x}", reply.reply.id);
}

}  // namespace

struct AmqpVerifier::Impl {
  AmqpVerifyOptions options;
  std::string id_header;
  amqp_connection_state_t conn = nullptr;
  bool logged_in = false;
  std::uint16_t channel = kChannel;
  bool broken = false;  // the connection or channel is gone: nothing more will arrive

  // Owned by the consumer thread until it has finished; touched under `mutex` because finish()
  // hands the acknowledged set over from another thread.
  IdSet seen;
  VerifyResult result;
  std::uint64_t seen_acked = 0;
  std::atomic<std::uint64_t> seen_count{0};

  std::mutex mutex;
  std::condition_variable cv;
  const IdSet* acked = nullptr;
  Clock::time_point finish_start{};
  Clock::time_point deadline{};
  bool done = false;

  std::jthread thread;

  ~Impl() {
    if (thread.joinable()) {
      thread.request_stop();
      thread.join();
    }
    if (!conn) return;
    // Closing the connection deletes the exclusive queue; a dead one only needs freeing.
    if (logged_in && !broken) amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn);
  }

  bool rpc_ok(const char* what, std::string& error) {
    const amqp_rpc_reply_t reply = amqp_get_rpc_reply(conn);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
    error = fmt::format("AMQP {}: {}", what, reply_error(reply));
    return false;
  }

  bool connect(std::string& error) {
    std::vector<char> url(options.url.begin(), options.url.end());
    url.push_back('\0');
    amqp_connection_info info;
    amqp_default_connection_info(&info);
    if (amqp_parse_url(url.data(), &info) != AMQP_STATUS_OK) {
      error = "--amqp-url: not an amqp://user:password@host:port/vhost URL";
      return false;
    }
    conn = amqp_new_connection();
    amqp_socket_t* socket = amqp_tcp_socket_new(conn);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(options.connect_timeout).count();
    timeval timeout{static_cast<time_t>(micros / 1'000'000), static_cast<suseconds_t>(micros % 1'000'000)};
    if (!socket || amqp_socket_open_noblock(socket, info.host, info.port, &timeout) != AMQP_STATUS_OK) {
      error = fmt::format("cannot connect to AMQP broker {}:{}", info.host, info.port);
      return false;
    }
    const amqp_rpc_reply_t login =
        amqp_login(conn, info.vhost, 0, kFrameMax, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password);
    if (login.reply_type != AMQP_RESPONSE_NORMAL) {
      error = "AMQP login: " + reply_error(login);
      return false;
    }
    logged_in = true;
    return true;
  }

  // The exchange is sluice's to declare (with its type and durability); the verifier only waits
  // for it. A failed passive declare closes the channel, so each attempt uses a fresh one.
  bool await_exchange(std::string& error) {
    const Clock::time_point until = Clock::now() + std::chrono::duration_cast<Clock::duration>(options.connect_timeout);
    for (;; ++channel) {
      amqp_channel_open(conn, channel);
      if (!rpc_ok("channel.open", error)) return false;
      amqp_exchange_declare(conn, channel, bytes(options.exchange), amqp_cstring_bytes("topic"), 1, 0, 0, 0,
                            amqp_empty_table);
      const amqp_rpc_reply_t reply = amqp_get_rpc_reply(conn);
      if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
      error = "AMQP exchange " + options.exchange + ": " + reply_error(reply);
      const bool channel_closed =
          reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD;
      if (!channel_closed || Clock::now() + kExchangeRetry >= until) return false;
      amqp_channel_close_ok_t close_ok{};
      amqp_send_method(conn, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok);
      std::this_thread::sleep_for(kExchangeRetry);
    }
  }

  bool subscribe(std::string& error) {
    const amqp_queue_declare_ok_t* declared =
        amqp_queue_declare(conn, channel, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
    if (!rpc_ok("queue.declare", error)) return false;
    const std::string queue(view(declared->queue));  // the reply lives in a pool the next call reuses
    amqp_queue_bind(conn, channel, bytes(queue), bytes(options.exchange), bytes(options.binding), amqp_empty_table);
    if (!rpc_ok("queue.bind", error)) return false;
    amqp_basic_qos(conn, channel, 0, options.prefetch, 0);
    if (!rpc_ok("basic.qos", error)) return false;
    amqp_basic_consume(conn, channel, bytes(queue), amqp_empty_bytes, 0, 0, 1, amqp_empty_table);
    return rpc_ok("basic.consume", error);
  }

  // Binary mode carries the id in a header; structured mode in the JSON body. Either is accepted,
  // so one verifier serves both sink formats.
  std::optional<std::string_view> message_id(const amqp_message_t& m) const {
    if (m.properties._flags & AMQP_BASIC_HEADERS_FLAG) {
      const amqp_table_t& headers = m.properties.headers;
      for (int i = 0; i < headers.num_entries; ++i) {
        const amqp_table_entry_t& e = headers.entries[i];
        if (view(e.key) != id_header) continue;
        if (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES) {
          return view(e.value.value.bytes);
        }
      }
    }
    return find_json_string(view(m.body), "id");
  }

  void on_message(const amqp_message_t& m) {
    ++result.messages;
    const auto id = message_id(m);
    const auto key = id ? parse_event_id(*id, options.run_id) : std::nullopt;
    if (!key || key->connection >= kMaxConnection || key->seq >= kMaxSeq) {
      ++result.foreign;
      return;
    }
    if (!seen.insert(*key)) {
      ++result.duplicates;
      return;
    }
    seen_count.store(seen.size(), std::memory_order_relaxed);
    if (acked && acked->contains(*key)) ++seen_acked;
  }

  void fail(std::string what) {
    ++result.consumer_errors;
    if (result.first_error.empty()) result.first_error = std::move(what);
  }

  // A frame other than a delivery arrived: only a close or a cancel matters.
  void on_other_frame() {
    amqp_frame_t frame;
    timeval none{0, 0};
    if (amqp_simple_wait_frame_noblock(conn, &frame, &none) != AMQP_STATUS_OK) return;
    if (frame.frame_type != AMQP_FRAME_METHOD) return;
    switch (frame.payload.method.id) {
      case AMQP_CHANNEL_CLOSE_METHOD: {
        const auto* m = static_cast<const amqp_channel_close_t*>(frame.payload.method.decoded);
        fail(fmt::format("channel closed by the broker: {} {}", m->reply_code, view(m->reply_text)));
        broken = true;
        break;
      }
      case AMQP_CONNECTION_CLOSE_METHOD: {
        const auto* m = static_cast<const amqp_connection_close_t*>(frame.payload.method.decoded);
        fail(fmt::format("connection closed by the broker: {} {}", m->reply_code, view(m->reply_text)));
        broken = true;
        break;
      }
      case AMQP_BASIC_CANCEL_METHOD:
        fail("the broker cancelled the consumer (queue deleted?)");
        broken = true;
        break;
      default: break;
    }
  }

  // Reads what has arrived, up to a quarter of the prefetch window (the first read waits up to
  // kPollTimeout), then acks it all with one basic.ack(multiple) so the broker never runs out of
  // window. Returns the number of messages read.
  std::size_t consume_burst() {
    const std::size_t burst = std::max<std::size_t>(1, options.prefetch / 4);
    std::uint64_t last_tag = 0;
    std::size_t n = 0;
    while (n < burst && !broken) {
      timeval timeout = n == 0 ? kPollTimeout : timeval{0, 0};
      amqp_envelope_t envelope;
      const amqp_rpc_reply_t reply = amqp_consume_message(conn, &envelope, &timeout, 0);
      if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
        {
          std::lock_guard lock(mutex);
          on_message(envelope.message);
        }
        last_tag = envelope.delivery_tag;
        ++n;
        amqp_destroy_envelope(&envelope);
        continue;
      }
      if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) break;
      std::lock_guard lock(mutex);
      if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        on_other_frame();
      } else {
        fail("AMQP consume: " + reply_error(reply));
        broken = true;
      }
    }
    if (last_tag != 0 && !broken && amqp_basic_ack(conn, channel, last_tag, 1) != AMQP_STATUS_OK) {
      std::lock_guard lock(mutex);
      fail("AMQP basic.ack failed");
      broken = true;
    }
    amqp_maybe_release_buffers(conn);
    return n;
  }

  void run(const std::stop_token& stop) {
    std::optional<Clock::time_point> complete_at;
    Clock::time_point last_message = Clock::now();
    // Bounded: before finish() by the stop token (the destructor), after it by the deadline.
    while (!stop.stop_requested()) {
      const std::size_t n = broken ? 0 : consume_burst();
      if (broken && n == 0) std::this_thread::sleep_for(std::chrono::microseconds(kPollTimeout.tv_usec));
      std::unique_lock lock(mutex);
      const Clock::time_point now = Clock::now();
      if (n > 0) last_message = now;
      if (!acked) continue;
      if (!complete_at && seen_acked >= acked->size()) complete_at = now;
      const bool settled = complete_at && (now - last_message >= kSettleIdle || now - *complete_at >= kMaxSettle);
      if (settled || broken || now >= deadline) {
        result.complete = seen_acked >= acked->size();
        result.wait_seconds = Seconds((complete_at ? *complete_at : now) - finish_start).count();
        done = true;
        lock.unlock();
        cv.notify_all();
        return;
      }
    }
  }
};

AmqpVerifier::AmqpVerifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AmqpVerifier::~AmqpVerifier() = default;

std::uint64_t AmqpVerifier::seen() const { return impl_->seen_count.load(std::memory_order_relaxed); }

std::unique_ptr<AmqpVerifier> AmqpVerifier::start(const AmqpVerifyOptions& options, std::string& error) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->id_header = options.header_prefix + "id";
  if (!impl->connect(error) || !impl->await_exchange(error) || !impl->subscribe(error)) {
    error += " (--amqp-url, --amqp-exchange)";
    return nullptr;
  }
  Impl* raw = impl.get();
  impl->thread = std::jthread([raw](std::stop_token stop) { raw->run(stop); });
  return std::unique_ptr<AmqpVerifier>(new AmqpVerifier(std::move(impl)));
}

VerifyResult AmqpVerifier::finish(const IdSet& acked, Seconds timeout) {
  Impl& impl = *impl_;
  std::unique_lock lock(impl.mutex);
  impl.finish_start = Clock::now();
  impl.deadline = impl.finish_start + std::chrono::duration_cast<Clock::duration>(timeout);
  impl.acked = &acked;
  impl.seen_acked = impl.seen.count_common(acked);
  // The consumer thread checks `deadline` after every burst, so this wait ends shortly after it.
  impl.cv.wait(lock, [&] { return impl.done; });
  lock.unlock();
  impl.thread.join();

  VerifyResult r = impl.result;
  r.acked = acked.size();
  r.seen = impl.seen.size();
  r.missing = acked.size() - impl.seen_acked;
  r.unacked_seen = impl.seen.size() - impl.seen_acked;
  if (r.missing > 0) {
    acked.for_each([&](EventKey key) {
      if (r.missing_examples.size() < kMissingExamples && !impl.seen.contains(key)) {
        r.missing_examples.push_back(format_event_id(impl.options.run_id, key));
      }
    });
  }
  return r;
}

}  // namespace sluice::bench
