#include "stages/filter/cesql/data_reader.hpp"

#include <cstring>
#include <limits>

namespace sluice::cesql {
namespace {

// Shared by documents (for the whole-data path) and values: both have the same getters.
template <typename Json>
bool extract(Json& json, EvalScratch& scratch, Value& out) {
  simdjson::ondemand::json_type type;
  if (json.type().get(type) != simdjson::SUCCESS) return false;
  switch (type) {
    case simdjson::ondemand::json_type::string: {
      std::string_view text;
      if (json.get_string().get(text) != simdjson::SUCCESS) return false;
      std::string& copy = scratch.acquire();
      copy.assign(text);
      out = Value::of_string(copy);
      return true;
    }
    case simdjson::ondemand::json_type::number: {
      std::int64_t number = 0;
      if (json.get_int64().get(number) != simdjson::SUCCESS) return false;  // fractions, exponents, too big
      if (number < std::numeric_limits<std::int32_t>::min() || number > std::numeric_limits<std::int32_t>::max()) {
        return false;
      }
      out = Value::of_int(static_cast<std::int32_t>(number));
      return true;
    }
    case simdjson::ondemand::json_type::boolean: {
      bool flag = false;
      if (json.get_bool().get(flag) != simdjson::SUCCESS) return false;
      out = Value::of_bool(flag);
      return true;
    }
    default: return false;  // null, objects and arrays have no CESQL type
  }
}

}  // namespace

bool DataReader::load() noexcept {
  if (state_ != State::unloaded) return state_ == State::loaded;
  state_ = State::failed;
  if (event_.data_kind != DataKind::json || event_.data.empty()) return false;

  const std::string_view data = event_.data;
  const char* buffer = data.data();
  std::size_t capacity = data.size() + simdjson::SIMDJSON_PADDING;
  if (!data_is_padded_) {
    // resize() only allocates when the scratch has never been this large.
    std::string& scratch = context_.scratch;
    try {
      scratch.resize(capacity);
    } catch (...) {
      return false;
    }
    std::memcpy(scratch.data(), data.data(), data.size());
    // Earlier, longer data may linger after the copy; make the padding plain whitespace.
    std::memset(scratch.data() + data.size(), ' ', simdjson::SIMDJSON_PADDING);
    buffer = scratch.data();
    capacity = scratch.size();
  }
  if (context_.data_parser.iterate(buffer, data.size(), capacity).get(document_) != simdjson::SUCCESS) return false;
  state_ = State::loaded;
  return true;
}

bool DataReader::read(std::string_view pointer, EvalScratch& scratch, Value& out) {
  if (!load()) return false;
  if (pointer.empty()) {
    document_.rewind();
    return extract(document_, scratch, out);
  }
  simdjson::ondemand::value value;
  if (document_.at_pointer(pointer).get(value) != simdjson::SUCCESS) return false;
  return extract(value, scratch, out);
}

}  // namespace sluice::cesql
