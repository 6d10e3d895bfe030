#pragma once
// Reads fields of an event's JSON `data` for DATA('path'). Internal to the evaluator: this header
// pulls in simdjson, so only the evaluator's .cpp files include it.
//
// The data is parsed at most once per evaluation, on the first DATA() call, and every later call
// re-walks the same indexed document.

#include <simdjson.h>

#include <string_view>

#include <sluice/core/event.hpp>

#include "stages/filter/cesql/evaluator.hpp"
#include "stages/filter/cesql/value.hpp"
#include "stages/filter/filter_context.hpp"

namespace sluice::cesql {

class DataReader {
 public:
  DataReader(const Event& event, FilterContext& context, bool data_is_padded) noexcept
      : event_(event), context_(context), data_is_padded_(data_is_padded) {}

  // Reads the value at JSON pointer `pointer` ("" is the whole data). Strings are copied into
  // `scratch` (simdjson reuses its string buffer on every lookup). Returns false unless the value
  // is a string, an integer in the 32-bit range, or a boolean.
  bool read(std::string_view pointer, EvalScratch& scratch, Value& out);

 private:
  bool load() noexcept;

  enum class State : std::uint8_t { unloaded, loaded, failed };

  const Event& event_;
  FilterContext& context_;
  bool data_is_padded_;
  State state_ = State::unloaded;
  simdjson::ondemand::document document_;
};

}  // namespace sluice::cesql
