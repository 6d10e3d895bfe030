#pragma once
// A route's `where:` filter: a CloudEvents SQL v1 expression, compiled once at start-up.
//
// matches() is true only when the expression evaluates to Boolean true with no error at all
// (spec 1.2: "If the output value is not a Boolean, or any errors are returned, the event MUST
// NOT pass the filter"). So `myext = 'x'` never matches an event without `myext`, and neither does
// `myext = 'x' OR type = 'y'`; guard optional attributes with `EXISTS myext AND ...`.
//
// Thread-safety: immutable after compile(); matches() may run concurrently on many workers, each
// with its own FilterContext. Lifetime: owned by the Router for the life of the pipeline.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stages/filter/cesql/ast.hpp"
#include "stages/filter/cesql/evaluator.hpp"
#include "stages/filter/event_filter.hpp"

namespace sluice::cesql {

struct CesqlOptions {
  // See EvalOptions::data_is_padded. The router sets it: its events' data lies in buffers
  // allocated with SIMDJSON_PADDING, so DATA() can parse in place.
  bool data_is_padded = false;
};

class CesqlFilter final : public EventFilter {
 public:
  // Parses `expression` and checks what can be checked without an event. Throws
  // std::invalid_argument with one line that says what is wrong and where:
  //   "CESQL parse error at column 12: expected ')' but found end of expression"
  //   "CESQL error at column 1: unknown function FOO"
  //   "CESQL error: the expression yields an Integer, a filter needs a Boolean"
  static std::unique_ptr<CesqlFilter> compile(std::string_view expression, const CesqlOptions& options = {});

  bool matches(const Event& event, FilterContext& context) const override;

  // The full outcome (value and errors) for diagnostics, e.g. `sluice validate` or debug logs.
  EvalResult evaluate(const Event& event, FilterContext& context, EvalScratch& scratch) const;

  const Program& program() const noexcept { return *program_; }
  // Legal but suspicious constructs, one line each ("CESQL warning at column 3: ..."), for the
  // caller to log at start-up.
  std::vector<std::string> warnings() const;

 private:
  CesqlFilter(std::unique_ptr<const Program> program, const CesqlOptions& options) noexcept
      : program_(std::move(program)), options_{options.data_is_padded} {}

  std::unique_ptr<const Program> program_;
  EvalOptions options_;
};

}  // namespace sluice::cesql
