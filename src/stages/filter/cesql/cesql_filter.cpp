#include "stages/filter/cesql/cesql_filter.hpp"

#include <new>
#include <stdexcept>

#include "stages/filter/cesql/parser.hpp"
#include "stages/filter/filter_context.hpp"

namespace sluice::cesql {

std::unique_ptr<CesqlFilter> CesqlFilter::compile(std::string_view expression, const CesqlOptions& options) {
  ParseResult parsed = parse(expression);
  if (!parsed.ok()) throw std::invalid_argument(parsed.error.to_string());
  const Program& program = *parsed.program;

  // Calls that cannot be dispatched are evaluation errors by the spec, but certain ones: a filter
  // with one could never match, which is a configuration mistake better reported now.
  if (!program.problems.empty()) {
    const Diagnostic& problem = program.problems.front();
    throw std::invalid_argument("CESQL error at column " + std::to_string(problem.column) + ": " + problem.message);
  }
  const StaticType type = program.root_node().static_type;
  if (type == StaticType::integer || type == StaticType::string) {
    throw std::invalid_argument(std::string("CESQL error: the expression yields ") +
                                (type == StaticType::integer ? "an Integer" : "a String") +
                                ", a filter needs a Boolean (a comparison, LIKE, IN, EXISTS, ...)");
  }
  return std::unique_ptr<CesqlFilter>(new CesqlFilter(std::move(parsed.program), options));
}

bool CesqlFilter::matches(const Event& event, FilterContext& context) const {
  // One scratch per worker thread, reused across events so that it stops allocating.
  thread_local EvalScratch scratch;
  try {
    return evaluates_to_true(*program_, event, context, scratch, options_);
  } catch (const std::bad_alloc&) {
    return false;  // the only exception evaluation can raise; not matching is the safe answer
  }
}

EvalResult CesqlFilter::evaluate(const Event& event, FilterContext& context, EvalScratch& scratch) const {
  return cesql::evaluate(*program_, event, context, scratch, options_);
}

std::vector<std::string> CesqlFilter::warnings() const {
  std::vector<std::string> lines;
  for (const Diagnostic& warning : program_->warnings) {
    lines.push_back("CESQL warning at column " + std::to_string(warning.column) + ": " + warning.message);
  }
  return lines;
}

}  // namespace sluice::cesql
