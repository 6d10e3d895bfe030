#pragma once
// Array consistency: may the conditions of one alternative be satisfied by values that never come
// from two different elements of the same array?
//
// event-ruler's rule: a match is refused when any two of the fields it uses lie in different
// elements (objects or nested arrays) of one array. With {"exists": false} the absent field must
// have no value compatible with the chosen ones. This decides that over the tree of array
// elements in one bottom-up pass, keeping per element only the Pareto-best (satisfied conditions,
// still-visible absent fields) pairs, so events with large arrays stay linear instead of trying
// every combination of elements.

#include <cstdint>
#include <span>
#include <vector>

#include "stages/filter/pattern/field_value.hpp"

namespace sluice::pattern {

// Values found in array element `context`: bits of the positive conditions they satisfy and of
// the absent ({"exists": false}) conditions whose field they are.
struct ContextHit {
  std::uint32_t context = 0;
  std::uint64_t satisfied = 0;
  std::uint64_t absent = 0;
};

class ArrayConsistency {
 public:
  // Choosing one element per array so that every condition is met is a covering problem, so a
  // crafted event (many sibling arrays, each offering incomparable choices) could make the set of
  // partial choices grow exponentially. Past this many partial choices at one element the
  // pattern is treated as not matching the event rather than stalling a worker.
  static constexpr std::size_t kMaxStates = 256;

  // `root_satisfied`: conditions met by values outside any array element (compatible with all).
  // Absent-field values outside any element must be rejected by the caller beforehand.
  bool satisfiable(std::span<const ArrayContext> contexts, std::span<const ContextHit> hits,
                   std::uint64_t root_satisfied, std::uint64_t all_conditions);

 private:
  struct State {
    std::uint64_t satisfied;
    std::uint64_t alive;  // absent conditions whose field still has a compatible value
  };
  struct Group {  // the elements of one array below a node
    std::uint32_t array_id;
    std::uint64_t absent_below;  // absent bits anywhere under this array
    std::vector<State> options;  // from elements in which something was chosen
  };
  struct Node {
    std::uint32_t context;
    std::uint32_t parent;  // local index
    std::uint64_t satisfied = 0;
    std::uint64_t absent = 0;
    std::vector<Group> groups;
  };

  static void insert_pareto(std::vector<State>& states, State state);
  std::uint32_t local_node(std::span<const ArrayContext> contexts, std::uint32_t context);

  std::vector<Node> nodes_;
  std::vector<std::uint32_t> local_of_;  // context -> local node index, kNone when unused
  std::vector<std::uint32_t> order_;
  std::vector<State> family_, next_family_, options_;
};

}  // namespace sluice::pattern
