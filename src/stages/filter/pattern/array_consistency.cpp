#include "stages/filter/pattern/array_consistency.hpp"

#include <algorithm>

namespace sluice::pattern {

void ArrayConsistency::insert_pareto(std::vector<State>& states, State state) {
  for (const State& other : states) {
    const bool covers = (other.satisfied | state.satisfied) == other.satisfied;
    const bool fewer_alive = (other.alive & state.alive) == other.alive;
    if (covers && fewer_alive) return;  // dominated (or equal)
  }
  std::erase_if(states, [&](const State& other) {
    return (state.satisfied | other.satisfied) == state.satisfied && (state.alive & other.alive) == state.alive;
  });
  states.push_back(state);
}

std::uint32_t ArrayConsistency::local_node(std::span<const ArrayContext> contexts, std::uint32_t context) {
  if (local_of_[context] != kNone) return local_of_[context];
  const auto index = static_cast<std::uint32_t>(nodes_.size());
  local_of_[context] = index;
  nodes_.push_back(Node{context, kNone, 0, 0, {}});
  if (context != 0) {
    const std::uint32_t parent = local_node(contexts, contexts[context].parent);
    nodes_[index].parent = parent;
  }
  return index;
}

bool ArrayConsistency::satisfiable(std::span<const ArrayContext> contexts, std::span<const ContextHit> hits,
                                   std::uint64_t root_satisfied, std::uint64_t all_conditions) {
  nodes_.clear();
  local_of_.assign(contexts.size(), kNone);
  local_node(contexts, 0);
  nodes_[0].satisfied = root_satisfied;
  for (const ContextHit& hit : hits) {
    const std::uint32_t node = local_node(contexts, hit.context);
    nodes_[node].satisfied |= hit.satisfied;
    nodes_[node].absent |= hit.absent;
  }

  order_.resize(nodes_.size());
  for (std::uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
  std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return contexts[nodes_[a].context].depth > contexts[nodes_[b].context].depth;
  });

  // Deepest elements first, so each node sees the finished options of the arrays below it.
  for (const std::uint32_t local : order_) {
    Node& node = nodes_[local];
    family_.assign(1, State{node.satisfied, node.absent});
    std::uint64_t absent_below = node.absent;
    for (const Group& group : node.groups) {
      // Choose one element of the array (which hides the absent fields of all other elements),
      // or none (and every absent field under the array stays visible).
      options_ = group.options;
      options_.push_back(State{0, group.absent_below});
      next_family_.clear();
      for (const State& mine : family_) {
        for (const State& option : options_) {
          insert_pareto(next_family_, State{mine.satisfied | option.satisfied, mine.alive | option.alive});
        }
        if (next_family_.size() > kMaxStates) return false;
      }
      family_.swap(next_family_);
      absent_below |= group.absent_below;
    }
    if (local == 0) {
      return std::any_of(family_.begin(), family_.end(), [&](const State& state) {
        return (state.satisfied & all_conditions) == all_conditions && state.alive == 0;
      });
    }
    const std::uint32_t array_id = contexts[node.context].array_id;
    Node& parent = nodes_[node.parent];
    auto group = std::find_if(parent.groups.begin(), parent.groups.end(),
                              [&](const Group& g) { return g.array_id == array_id; });
    if (group == parent.groups.end()) {
      parent.groups.push_back(Group{array_id, 0, {}});
      group = parent.groups.end() - 1;
    }
    group->absent_below |= absent_below;
    for (const State& state : family_) {
      // Choosing an element means using a value in it; with nothing chosen it hides nothing.
      if (state.satisfied != 0) insert_pareto(group->options, state);
    }
    if (group->options.size() > kMaxStates) return false;
  }
  return false;  // unreachable: the root is always processed last
}

}  // namespace sluice::pattern
