#pragma once
// The evaluator's working state for one evaluation, shared by evaluator.cpp (operators) and
// functions.cpp (function calls). Not part of the public API.

#include <cstdint>
#include <string>
#include <string_view>

#include <sluice/core/event.hpp>

#include "stages/filter/cesql/ast.hpp"
#include "stages/filter/cesql/data_reader.hpp"
#include "stages/filter/cesql/evaluator.hpp"
#include "stages/filter/cesql/value.hpp"

namespace sluice::cesql {

// Enough for any int32 in decimal, sign included.
using IntegerText = char[12];

class Evaluator {
 public:
  Evaluator(const Program& program, const Event& event, FilterContext& context, EvalScratch& scratch,
            const EvalOptions& options) noexcept
      : program_(program), event_(event), scratch_(scratch), data_(event, context, options.data_is_padded) {}

  // Evaluates a node; the value is marked failed when any error was raised on the way.
  Value eval(std::uint32_t index);

  const ErrorList& errors() const noexcept { return errors_; }
  void raise(ErrorKind kind, ErrorDetail detail, std::uint32_t node) noexcept { errors_.add(kind, detail, node); }

  // Implicit casts (spec 3.7). `from` is the node that produced `value`: failures are reported
  // there, and literals supply their precomputed String form.
  std::int32_t to_integer(const Value& value, std::uint32_t from) noexcept;
  // Integer -> Boolean is refused here (CastError, false); only BOOL() converts integers. This is
  // what the TCK requires of `NOT 10`, see explicit_boolean().
  bool to_boolean(const Value& value, std::uint32_t from) noexcept;
  bool explicit_boolean(const Value& value, std::uint32_t from) noexcept;
  // A String view that stays valid for the whole evaluation (integers are formatted into scratch).
  std::string_view to_string(const Value& value, std::uint32_t from);
  // A String view for immediate use only: integers are formatted into `buffer`.
  std::string_view text_of(const Value& value, std::uint32_t from, IntegerText& buffer) const noexcept;

  std::string& new_string() { return scratch_.acquire(); }
  Value read_data(std::string_view pointer, std::uint32_t node);
  const Node& node(std::uint32_t index) const noexcept { return program_.nodes[index]; }

 private:
  Value compute(std::uint32_t index);
  Value attribute(const Node& node, std::uint32_t index) noexcept;
  bool exists(const Node& node) const noexcept;
  Value binary(const Node& node, std::uint32_t index);
  Value logic(const Node& node, std::uint32_t index);
  Value in(const Node& node);
  bool equal_as(const Value& target, const Value& value, std::uint32_t from) noexcept;

  const Program& program_;
  const Event& event_;
  EvalScratch& scratch_;
  DataReader data_;
  ErrorList errors_;
};

// Evaluates a call node (functions.cpp).
Value call_function(Evaluator& evaluator, const Node& node, std::uint32_t index);

// String -> Integer as the spec defines it: optional sign, base 10 digits, 32-bit range.
bool parse_integer(std::string_view text, std::int32_t& out) noexcept;
// String -> Boolean: "true" or "false" in any case.
bool parse_boolean(std::string_view text, bool& out) noexcept;

}  // namespace sluice::cesql
