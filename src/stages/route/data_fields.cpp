#include "stages/route/data_fields.hpp"

#include "stages/decode/json_text.hpp"
#include "stages/filter/filter_context.hpp"

#include <sluice/core/arena.hpp>
#include <sluice/core/event.hpp>
#include <sluice/core/padded_buffer.hpp>

#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <limits>

namespace sluice {
namespace {

namespace od = simdjson::ondemand;

static_assert(kInputPadding >= simdjson::SIMDJSON_PADDING, "PaddedBuffer must leave the slack simdjson reads");

// One step of a path. A dotted segment of digits ("items.0") may name an object key or an array
// index, whichever the data has there; a bracketed one ("items[0]") only an index.
struct Step {
  std::string key;
  std::int64_t index = -1;
  bool key_allowed = true;
  bool operator==(const Step& other) const = default;
};

std::int64_t parse_index(std::string_view text) {
  if (text.empty() || text.size() > 9) return -1;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return -1;
  if (text.size() > 1 && text.front() == '0') return -1;
  return value;
}

std::vector<Step> parse_path(std::string_view path) {
  auto bad = [&](std::string_view why) {
    return std::invalid_argument(fmt::format("invalid data path 'data.{}': {}", path, why));
  };
  std::vector<Step> steps;
  std::size_t i = 0;
  if (path.empty()) throw bad("it is empty");
  while (i < path.size()) {
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string_view::npos) throw bad("'[' without ']'");
      const std::int64_t index = parse_index(path.substr(i + 1, close - i - 1));
      if (index < 0) throw bad("an array index must be a non-negative integer");
      steps.push_back(Step{std::string(path.substr(i + 1, close - i - 1)), index, false});
      i = close + 1;
    } else {
      const auto end = path.find_first_of(".[", i);
      const std::string_view name = path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      if (name.empty()) throw bad("empty segment");
      if (name.find(']') != std::string_view::npos) throw bad("']' without '['");
      steps.push_back(Step{std::string(name), parse_index(name), true});
      i = end == std::string_view::npos ? path.size() : end;
    }
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) throw bad("it ends with '.'");
    } else if (i < path.size() && path[i] != '[') {
      throw bad("expected '.' or '[' after ']'");
    }
  }
  return steps;
}

// The key of `field` without its escapes; false when it cannot be read. Only whitespace and the
// colon separate a key's closing quote from its value, so the key ends where the value starts.
bool key_of(od::field& field, std::string_view& name) {
  const char* start = field.key().raw();
  const char* end = field.value().raw_json_token().data();
  while (end > start && (json_text::is_whitespace(end[-1]) || end[-1] == ':')) --end;
  if (end <= start || end[-1] != '"') return false;
  name = std::string_view(start, static_cast<std::size_t>(end - 1 - start));
  return !json_text::has_escape(name) || !field.unescaped_key().get(name);
}

}  // namespace

struct DataFieldSet::Node {
  struct Child {
    Step step;
    std::unique_ptr<Node> node;
  };
  std::vector<Child> children;
  std::int64_t leaf = -1;  // id of the path that ends here
  std::size_t key_children = 0;
  std::int64_t max_index = -1;
};

DataFieldSet::DataFieldSet() : root_(std::make_unique<Node>()) {}
DataFieldSet::~DataFieldSet() = default;
DataFieldSet::DataFieldSet(DataFieldSet&&) noexcept = default;
DataFieldSet& DataFieldSet::operator=(DataFieldSet&&) noexcept = default;

std::size_t DataFieldSet::add(std::string_view path) {
  const std::vector<Step> steps = parse_path(path);
  Node* node = root_.get();
  for (const Step& step : steps) {
    Node* next = nullptr;
    for (auto& child : node->children) {
      if (child.step == step) next = child.node.get();
    }
    if (next == nullptr) {
      node->children.push_back(Node::Child{step, std::make_unique<Node>()});
      next = node->children.back().node.get();
      if (step.key_allowed) ++node->key_children;
      node->max_index = std::max(node->max_index, step.index);
    }
    node = next;
  }
  if (node->leaf < 0) {
    node->leaf = static_cast<std::int64_t>(paths_.size());
    paths_.emplace_back(path);
  }
  return static_cast<std::size_t>(node->leaf);
}

namespace {

// One pass over an event's data, filling the values of every path in the trie.
class Extractor {
 public:
  Extractor(std::vector<std::optional<std::string_view>>& values, Arena& arena, bool copy_views)
      : values_(values), arena_(arena), copy_views_(copy_views) {}

  void visit(od::value& value, const DataFieldSet::Node& node) {
    const std::string_view token = value.raw_json_token();
    if (token.empty()) return;
    if (node.leaf >= 0) capture(value, token, static_cast<std::size_t>(node.leaf));
    if (node.children.empty()) return;
    if (token.front() == '{') {
      od::object object;
      if (!value.get_object().get(object)) visit_object(object, node);
    } else if (token.front() == '[') {
      od::array array;
      if (!value.get_array().get(array)) visit_array(array, node);
    }
  }

  void visit_object(od::object& object, const DataFieldSet::Node& node) {
    std::size_t remaining = node.key_children;
    if (remaining == 0) return;
    for (auto member : object) {
      od::field field;
      std::string_view name;
      if (std::move(member).get(field) || !key_of(field, name)) return;
      for (const auto& child : node.children) {
        if (!child.step.key_allowed || child.step.key != name) continue;
        visit(field.value(), *child.node);
        // The first occurrence of a key wins; once every wanted key was seen, the rest of the
        // object is skipped by the parent's iteration.
        if (--remaining == 0) return;
        break;
      }
    }
  }

  void visit_array(od::array& array, const DataFieldSet::Node& node) {
    if (node.max_index < 0) return;
    std::int64_t index = 0;
    for (auto element : array) {
      if (index > node.max_index) return;
      od::value item;
      if (std::move(element).get(item)) return;
      for (const auto& child : node.children) {
        if (child.step.index == index) {
          visit(item, *child.node);
          break;
        }
      }
      ++index;
    }
  }

 private:
  // Strings render unescaped, numbers and booleans as their JSON text; null, objects and arrays
  // count as missing so that a template's fallback applies.
  void capture(od::value& value, std::string_view token, std::size_t id) {
    std::string_view text;
    switch (token.front()) {
      case '"': {
        text = json_text::string_token_content(token);
        if (!json_text::has_escape(text)) break;
        std::string_view unescaped;
        if (value.get_string().get(unescaped)) return;
        values_[id] = arena_.copy(unescaped);  // the parser's buffer is reused by the next parse
        return;
      }
      case '{':
      case '[':
      case 'n': return;
      default: {
        text = json_text::trim_right(token);
        if (text != "true" && text != "false" && !json_text::is_number(text)) return;
        break;
      }
    }
    values_[id] = copy_views_ ? arena_.copy(text) : text;
  }

  std::vector<std::optional<std::string_view>>& values_;
  Arena& arena_;
  bool copy_views_;
};

}  // namespace

DataFieldValues::DataFieldValues(const DataFieldSet& fields, FilterContext& context)
    : fields_(fields), context_(context), values_(fields.size()) {}

void DataFieldValues::reset(const Event& event, const PaddedBuffer& body, Arena& arena) noexcept {
  event_ = &event;
  body_ = &body;
  arena_ = &arena;
  extracted_ = false;
}

std::optional<std::string_view> DataFieldValues::get(std::size_t id) {
  if (!extracted_) extract();
  if (id >= values_.size()) return std::nullopt;
  return values_[id];
}

void DataFieldValues::extract() {
  extracted_ = true;
  values_.assign(fields_.size(), std::nullopt);
  if (event_ == nullptr || event_->data_kind != DataKind::json || event_->data.empty()) return;
  const std::string_view data = event_->data;
  const char* first = data.data();
  if (first == nullptr || (*first != '{' && *first != '[')) return;

  // JSON data lies in the padded body, so it is parsed in place; anything else (an event built
  // by hand) gets a padded copy, and then no value may point into that copy.
  const char* body_begin = body_->data();
  const char* body_end = body_begin + body_->size();
  const bool in_body = body_begin != nullptr && first >= body_begin && first + data.size() <= body_end;
  std::size_t capacity = 0;
  if (in_body) {
    capacity = static_cast<std::size_t>(body_end - first) + kInputPadding;
  } else {
    context_.scratch.assign(data);
    context_.scratch.append(simdjson::SIMDJSON_PADDING, ' ');
    first = context_.scratch.data();
    capacity = context_.scratch.size();
  }

  od::document doc;
  if (context_.data_parser.iterate(first, data.size(), capacity).get(doc)) return;
  od::value root;
  if (doc.get_value().get(root)) return;
  Extractor extractor(values_, *arena_, !in_body);
  extractor.visit(root, *fields_.root_);
}

}  // namespace sluice
