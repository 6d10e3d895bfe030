#pragma once
// The CESQL function table: the built-ins of spec 3.5, the casting functions of the TCK (INT,
// BOOL, STRING, IS_BOOL, IS_INT) and sluice's DATA(path). Calls are resolved by name (case
// insensitive) and arity when the expression is parsed.

#include <cstdint>
#include <string_view>

#include "stages/filter/cesql/ast.hpp"

namespace sluice::cesql {

struct FunctionSignature {
  std::string_view name;  // upper case
  Function function;
  std::uint8_t min_args;
  std::uint8_t max_args;  // kVariadic: no upper bound
  StaticType result;
};

inline constexpr std::uint8_t kVariadic = 0xFF;

// The signature that `name` called with `arity` arguments dispatches to, or nullptr.
const FunctionSignature* find_function(std::string_view name, std::size_t arity) noexcept;

// Any signature with this name, whatever its arity (for error messages), or nullptr.
const FunctionSignature* find_function_name(std::string_view name) noexcept;

}  // namespace sluice::cesql
