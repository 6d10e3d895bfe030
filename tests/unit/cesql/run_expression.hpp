#pragma once
// Parses and evaluates an expression and renders the outcome as one comparable line:
//   "Integer 0 [math]", "Boolean false [missingAttribute]", "String 'abc'",
//   "parse error at column 3: ..."

#include <string>
#include <string_view>

#include "stages/filter/cesql/evaluator.hpp"
#include "stages/filter/cesql/parser.hpp"
#include "stages/filter/filter_context.hpp"
#include "test_event.hpp"

namespace sluice::cesql::testing {

inline const OwnedEvent& default_event() {
  static const OwnedEvent* const kEvent = new OwnedEvent();
  return *kEvent;
}

inline std::string run(std::string_view expression, const Event& event = default_event(),
                       const EvalOptions& options = {}) {
  const ParseResult parsed = parse(expression);
  if (!parsed.ok()) return "parse error at column " + std::to_string(parsed.error.column) + ": " + parsed.error.message;
  FilterContext context;
  EvalScratch scratch;
  const EvalResult result = evaluate(*parsed.program, event, context, scratch, options);
  std::string text = describe_value(result.value);
  if (!result.errors.empty()) {
    text += " [";
    bool first = true;
    for (const EvalError& error : result.errors) {
      if (!first) text += ", ";
      text += error_kind_name(error.kind);
      first = false;
    }
    text += "]";
  }
  return text;
}

// True when parsing fails (whatever the message).
inline bool fails_to_parse(std::string_view expression) { return !parse(expression).ok(); }

}  // namespace sluice::cesql::testing
