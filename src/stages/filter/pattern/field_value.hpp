#pragma once
// One leaf value extracted from an event, as the matchers see it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/filter/pattern/cidr.hpp"

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

// Forms of string values that several matchers need (case-folded text, IP address), computed at
// most once per value and event however many patterns test the value. Only a few values per
// event ever need them, so they live in a short list rather than in per-value arrays.
class DerivedForms {
 public:
  void reset() {
    entries_.clear();
    fold_arena_.clear();
  }
  std::string_view folded(std::uint32_t value, std::string_view text);
  // nullptr when the text is not an IP address literal.
  const IpAddress* ip(std::uint32_t value, std::string_view text);

 private:
  struct Entry {
    std::uint32_t value = kNone;
    std::uint32_t fold_begin = kNone;  // offset into fold_arena_, which may reallocate
    std::uint32_t fold_size = 0;
    std::uint8_t ip_state = 0;  // 0 unknown, 1 address, 2 not an address
    IpAddress ip;
  };
  Entry& entry(std::uint32_t value) {
    for (Entry& e : entries_) {
      if (e.value == value) return e;
    }
    Entry& added = entries_.emplace_back();
    added.value = value;
    return added;
  }

  std::vector<Entry> entries_;
  std::string fold_arena_;
};

// A value under test, with access to its derived forms.
struct ValueRef {
  const FieldValue& value;
  std::uint32_t index;
  DerivedForms& forms;

  std::string_view folded() const { return forms.folded(index, value.text); }
  const IpAddress* ip() const { return forms.ip(index, value.text); }
};

}  // namespace sluice::pattern
