#pragma once
// CESQL v1 runtime values and evaluation errors.
//
// A Value never owns its string: it views the expression text, the event, the event's data, or
// a string the evaluator built in its EvalScratch. All of those outlive one evaluation, which is
// the only lifetime a Value has.

#include <array>
#include <cstdint>
#include <string_view>

namespace sluice::cesql {

// The three CESQL primitive types (spec 3.1).
enum class Type : std::uint8_t { boolean, integer, string };

std::string_view type_name(Type type) noexcept;

struct Value {
  Type type = Type::boolean;
  // Set when evaluating this value raised an error, here or in a subexpression. An operator or
  // function that receives such an operand does not compute: it yields the zero value of its own
  // return type (and is itself failed), so an error reaches the root as the zero value of the
  // root's type. This is spec 3.2's rule for missing attributes, and the TCK applies it to every
  // error ("AND operator is NOT short circuit evaluated..."). An operator's own error (`NOT 10`
  // failing to cast, `5 / 0`) still yields the result the spec defines for it.
  bool failed = false;
  bool boolean = false;
  std::int32_t integer = 0;
  std::string_view string;

  static constexpr Value of_bool(bool b) noexcept { return Value{Type::boolean, false, b, 0, {}}; }
  static constexpr Value of_int(std::int32_t i) noexcept { return Value{Type::integer, false, false, i, {}}; }
  static constexpr Value of_string(std::string_view s) noexcept {
    return Value{Type::string, false, false, 0, s};
  }

  bool is_true() const noexcept { return type == Type::boolean && !failed && boolean; }
};

// The error kinds every CESQL engine must report (spec 3.3). The names match the TCK's `error:`.
enum class ErrorKind : std::uint8_t {
  parse,
  math,
  cast,
  missing_function,
  function_evaluation,
  missing_attribute,
  generic,
};

std::string_view error_kind_name(ErrorKind kind) noexcept;  // "math", "missingAttribute", ...

// What exactly went wrong, so a message can be produced later without allocating while
// evaluating.
enum class ErrorDetail : std::uint8_t {
  division_by_zero,
  integer_overflow,
  string_to_integer,
  string_to_boolean,
  integer_to_boolean,
  missing_attribute,
  missing_data_field,
  missing_function,
  negative_length,
  index_out_of_range,
};

struct EvalError {
  ErrorKind kind;
  ErrorDetail detail;
  std::uint32_t node;  // index of the AST node that raised it (for its column and name)
};

// The error list of one evaluation. Keeps the first kMaxStored errors and counts the rest, so
// recording an error never allocates.
class ErrorList {
 public:
  static constexpr std::size_t kMaxStored = 8;

  void add(ErrorKind kind, ErrorDetail detail, std::uint32_t node) noexcept {
    if (stored_ < kMaxStored) items_[stored_++] = EvalError{kind, detail, node};
    ++total_;
    kinds_ |= static_cast<std::uint8_t>(1U << static_cast<unsigned>(kind));
  }
  void clear() noexcept { stored_ = 0, total_ = 0, kinds_ = 0; }

  bool empty() const noexcept { return total_ == 0; }
  std::size_t size() const noexcept { return total_; }
  bool has(ErrorKind kind) const noexcept { return (kinds_ >> static_cast<unsigned>(kind)) & 1U; }
  // Bit i set when an error of ErrorKind(i) was raised.
  std::uint8_t kinds() const noexcept { return kinds_; }

  const EvalError* begin() const noexcept { return items_.data(); }
  const EvalError* end() const noexcept { return items_.data() + stored_; }

 private:
  std::array<EvalError, kMaxStored> items_{};
  std::uint8_t stored_ = 0;
  std::uint8_t kinds_ = 0;
  std::uint32_t total_ = 0;
};

}  // namespace sluice::cesql
