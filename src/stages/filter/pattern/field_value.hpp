#pragma once
// One leaf value extracted from an event, as the matchers see it.

#include <cstdint>
#include <string_view>

namespace sluice::pattern {

enum class ValueType : std::uint8_t { string, number, boolean_true, boolean_false, null };

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

struct FieldValue {
  // Strings: the unescaped text. Numbers: the JSON token. Views into the event or parser buffers,
  // valid for one match call.
  std::string_view text;
  double number = 0;  // numbers only, when has_number
  ValueType type = ValueType::null;
  bool has_number = false;  // false for numbers beyond double range (matched as text only)
  std::uint32_t field = kNone;
  // The array element the value sits in (ArrayContext index); 0 when it is inside no object or
  // array that is itself an array element. Array consistency is decided on these.
  std::uint32_t context = 0;
  std::uint32_t next_in_field = kNone;  // singly linked list of the field's values
};

// "Element `index` of array `array_id`", nested in element `parent`. Index 0 of the context table
// is the document root.
struct ArrayContext {
  std::uint32_t parent = 0;
  std::uint32_t array_id = 0;
  std::uint32_t index = 0;
  std::uint32_t depth = 0;
};

}  // namespace sluice::pattern
