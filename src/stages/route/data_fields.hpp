#pragma once
// The `data` fields that a router's templates name ({data.Vm.Name}, {data.items[0].id}),
// compiled once into a trie so that one pass over an event's data extracts all of them.
//
// DataFieldSet is built at start-up and immutable afterwards (shared by workers).
// DataFieldValues is one worker's per-event cache; it is not thread-safe and its values are
// valid as long as the batch whose event it read (they point into the body or the arena).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

struct Event;
struct FilterContext;
class Arena;
class PaddedBuffer;

class DataFieldSet {
 public:
  DataFieldSet();
  ~DataFieldSet();
  DataFieldSet(DataFieldSet&&) noexcept;
  DataFieldSet& operator=(DataFieldSet&&) noexcept;

  // Registers a dotted path relative to `data` ("Vm.Name", "items[0].id", "items.0.id") and
  // returns its id; the same path gives the same id. Throws std::invalid_argument on bad syntax.
  std::size_t add(std::string_view path);
  std::size_t size() const noexcept { return paths_.size(); }
  const std::string& path(std::size_t id) const { return paths_[id]; }

  struct Node;  // trie node, defined in the .cpp

 private:
  friend class DataFieldValues;
  std::vector<std::string> paths_;
  std::unique_ptr<Node> root_;
};

class DataFieldValues {
 public:
  DataFieldValues(const DataFieldSet& fields, FilterContext& context);

  // Starts a new event. `body` is its batch's buffer (JSON data lies in it, so it is parsed in
  // place); `arena` receives unescaped strings.
  void reset(const Event& event, const PaddedBuffer& body, Arena& arena) noexcept;

  // The value of field `id`: a string's unescaped text, a number's or boolean's JSON text;
  // nullopt when the data is not JSON, the field is absent, null, an object or an array. The
  // first call for an event extracts every field of the set in one pass.
  std::optional<std::string_view> get(std::size_t id);

 private:
  void extract();

  const DataFieldSet& fields_;
  FilterContext& context_;
  const Event* event_ = nullptr;
  const PaddedBuffer* body_ = nullptr;
  Arena* arena_ = nullptr;
  bool extracted_ = false;
  std::vector<std::optional<std::string_view>> values_;
};

}  // namespace sluice
