// libFuzzer target: parse an arbitrary CESQL expression and evaluate it against a fixed event.
//
// Input: the expression, optionally followed by a NUL byte and the JSON text to use as the
// event's data (so DATA() lookups and the string functions see fuzzed strings too).
// Checked beyond "no crash, no sanitizer report": parse errors carry a column inside the input,
// evaluation is deterministic across scratch reuse, and the filter's shortcut agrees with the full
// evaluation.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include <sluice/core/event.hpp>

#include "stages/filter/cesql/cesql_filter.hpp"
#include "stages/filter/cesql/evaluator.hpp"
#include "stages/filter/cesql/parser.hpp"
#include "stages/filter/filter_context.hpp"

namespace {

using namespace sluice;
using namespace sluice::cesql;

bool same(const Value& a, const Value& b) {
  return a.type == b.type && a.failed == b.failed && a.boolean == b.boolean && a.integer == b.integer &&
         a.string == b.string;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(bytes), size);
  const std::size_t split = input.find('\0');
  const std::string_view expression = input.substr(0, split);
  const std::string data(split == std::string_view::npos ? std::string_view() : input.substr(split + 1));

  const ParseResult parsed = parse(expression);
  if (!parsed.ok()) {
    if (parsed.error.column < 1 || parsed.error.column > expression.size() + 1) std::abort();
    return 0;
  }
  const Program& program = *parsed.program;

  Event event;
  event.id = "A234-1234-1234";
  event.source = "/mycontext/subcontext";
  event.specversion = "1.0";
  event.type = "org.apache.cloudstack.vm.start";
  event.subject = "vm-42";
  event.time = "2018-04-05T17:31:00Z";
  event.extensions = {
      {"myext", "custom value", Extension::Type::string},
      {"sequence", "42", Extension::Type::integer},
      {"flag", "true", Extension::Type::boolean},
      {"negative", "-2147483648", Extension::Type::integer},
      {"unicode", "h\xC3\xA9llo \xE2\x80\x83w\xC3\xB6rld", Extension::Type::string},
  };
  if (split != std::string_view::npos) {
    event.data_kind = DataKind::json;
    event.data = data;  // not padded: exercises the copy into FilterContext::scratch
  }

  FilterContext context;
  EvalScratch scratch;
  const EvalResult first = evaluate(program, event, context, scratch);
  // Copy what the first result views in scratch before scratch is reused.
  const std::string first_string(first.value.string);
  for (const EvalError& error : first.errors) (void)describe_error(program, error);
  (void)describe_value(first.value);

  const EvalResult second = evaluate(program, event, context, scratch);
  Value first_value = first.value;
  first_value.string = first_string;
  if (!same(first_value, second.value) || first.errors.size() != second.errors.size()) std::abort();

  const bool expected = second.value.is_true() && second.errors.empty();
  if (evaluates_to_true(program, event, context, scratch) != expected) std::abort();

  try {
    const auto filter = CesqlFilter::compile(expression);
    if (filter->matches(event, context) != expected) std::abort();
    (void)filter->warnings();
  } catch (const std::invalid_argument&) {
    // problems or a non-Boolean expression: a start-up error, fine
  }
  return 0;
}
