#include "event_factory.hpp"

#include <charconv>
#include <random>

namespace sluice::bench {
namespace {

// The event is written as these fixed pieces around the variable parts, so its length without the
// variable parts is known up front and the pad can be sized without rendering twice.
constexpr std::string_view kHead = R"({"specversion":"1.0","id":")";
constexpr std::string_view kAfterId =
    R"(","source":"/sluice-bench","type":"com.example.bench","datacontenttype":"application/json","data":)";
constexpr std::string_view kDataConn = R"({"conn":)";
constexpr std::string_view kDataSeq = R"(,"seq":)";
constexpr std::string_view kDataPad = R"(,"pad":")";
constexpr std::string_view kDataTail = R"("})";
constexpr std::string_view kTail = "}";

std::size_t decimal_length(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

void append_uint(std::string& out, std::uint64_t v) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, r.ptr);
}

}  // namespace

EventFactory::EventFactory(std::string run_id, std::size_t event_size)
    : run_id_(std::move(run_id)), event_size_(event_size) {
  // Random letters rather than one repeated byte: a pad of 'x' would compress to nothing in the
  // sink's compression codec and flatter the pipeline's throughput.
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::mt19937_64 rng(std::hash<std::string>{}(run_id_));
  pad_source_.resize(2 * event_size_ + 1);
  for (char& c : pad_source_) c = kAlphabet[rng() % kAlphabet.size()];
  fixed_length_ = kHead.size() + run_id_.size() + 2 /* two '-' in the id */ + kAfterId.size() + kDataConn.size() +
                  kDataSeq.size() + kDataPad.size() + kDataTail.size() + kTail.size();
}

std::size_t EventFactory::pad_length(EventKey key) const {
  // The id and the data both carry the connection and sequence digits.
  const std::size_t variable = 2 * (decimal_length(key.connection) + decimal_length(key.seq));
  const std::size_t unpadded = fixed_length_ + variable;
  return event_size_ > unpadded ? event_size_ - unpadded : 0;
}

void EventFactory::append_data_with_pad(std::string& out, EventKey key, std::size_t pad) const {
  out.append(kDataConn);
  append_uint(out, key.connection);
  out.append(kDataSeq);
  append_uint(out, key.seq);
  out.append(kDataPad);
  // A different window per event, so consecutive events are not byte-identical.
  const std::size_t offset = pad == 0 ? 0 : (key.seq * 7919 + key.connection * 104729) % (event_size_ + 1);
  out.append(pad_source_, offset, pad);
  out.append(kDataTail);
}

void EventFactory::append_event(std::string& out, EventKey key) const {
  out.append(kHead);
  append_id(out, key);
  out.append(kAfterId);
  append_data_with_pad(out, key, pad_length(key));
  out.append(kTail);
}

void EventFactory::append_data(std::string& out, EventKey key) const {
  append_data_with_pad(out, key, pad_length(key));
}

}  // namespace sluice::bench
