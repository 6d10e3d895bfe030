#pragma once
// Internal to the decoder: checks that a JSON value is well-formed all the way down. On Demand
// only validates what it is asked to read and skips the rest, so `data` (forwarded to brokers as
// raw JSON text) is walked once to keep malformed JSON from passing through. Not thread-safe.

#include "stages/decode/decode_cursor.hpp"

#include <cstdint>
#include <string_view>

namespace sluice::decode {

// The name of an object member: a view into the input, or into the parser's buffer when it had
// escapes (valid until the next document).
bool member_name(od::field& field, std::string_view& name, Cursor& cursor);

class JsonChecker {
 public:
  JsonChecker(Cursor& cursor, std::uint32_t max_depth) : cursor_(cursor), max_depth_(max_depth) {}

  // `value` sits at nesting level `depth` (an event's data is level 1). Consumes the value.
  bool check_value(od::value& value, std::uint32_t depth);
  // A whole document that is data (plain JSON, a binary-mode JSON body), trailing content included.
  bool check_document(od::parser& parser, std::string_view json);

 private:
  bool check_string(od::value& value, std::string_view token);
  bool check_scalar(std::string_view token);

  Cursor& cursor_;
  std::uint32_t max_depth_;
};

}  // namespace sluice::decode
