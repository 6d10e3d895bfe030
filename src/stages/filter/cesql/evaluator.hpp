#pragma once
// Evaluation of a parsed CESQL Program against one event, in the spec's "complete evaluation"
// mode (4.1): the result is a value plus the list of every error raised on the way.
//
// evaluate() never throws except std::bad_alloc, and allocates nothing once its EvalScratch and
// the FilterContext have warmed up to the sizes the events need.

#include <cstdint>
#include <deque>
#include <string>

#include <sluice/core/event.hpp>

#include "stages/filter/cesql/ast.hpp"
#include "stages/filter/cesql/value.hpp"

namespace sluice {
struct FilterContext;
}

namespace sluice::cesql {

// Strings that functions build (CONCAT, LOWER, a DATA() string, ...) live here until the next
// evaluation. Thread-safety: one per thread; reuse it so its buffers keep their capacity.
class EvalScratch {
 public:
  // A cleared string that stays put until reset(); views of it are valid until then.
  std::string& acquire() {
    if (used_ == slots_.size()) slots_.emplace_back();
    std::string& slot = slots_[used_++];
    slot.clear();
    return slot;
  }
  void reset() noexcept { used_ = 0; }

 private:
  std::deque<std::string> slots_;  // deque: slots never move, so views into them stay valid
  std::size_t used_ = 0;
};

struct EvalOptions {
  // DATA() hands Event::data to simdjson, which may read up to SIMDJSON_PADDING bytes past its
  // end. Set this when that memory is readable, as it is for events decoded from sluice's ingress
  // buffers (allocated with the padding): the data is then parsed in place. When false (the
  // default, right for events built by hand, e.g. in tests) the data is first copied into
  // FilterContext::scratch with padding.
  bool data_is_padded = false;
};

struct EvalResult {
  Value value;
  ErrorList errors;
};

// Evaluates `program` against `event`. `context` supplies the JSON parser for DATA(); `scratch`
// holds built strings, so views in the result are valid until the next use of `scratch` or
// `context`.
EvalResult evaluate(const Program& program, const Event& event, FilterContext& context, EvalScratch& scratch,
                    const EvalOptions& options = {});

// The filter's question: does `program` evaluate to Boolean true without any error? Same
// evaluation as evaluate(), minus handing back the error list.
bool evaluates_to_true(const Program& program, const Event& event, FilterContext& context, EvalScratch& scratch,
                       const EvalOptions& options = {});

// "MathError at column 7: division by zero", for logs and test failures.
std::string describe_error(const Program& program, const EvalError& error);

// "Boolean true", "Integer -3", "String 'abc'".
std::string describe_value(const Value& value);

}  // namespace sluice::cesql
