#include "stages/filter/pattern/field_extractor.hpp"

#include <bit>
#include <cstring>

#include "stages/filter/pattern/numeric.hpp"

namespace sluice::pattern {
namespace {

using simdjson::error_code;
using simdjson::SUCCESS;
using simdjson::ondemand::json_type;

// Offset of the first '"' or '\\' at or after `text`, eight bytes at a time. Safe to over-read:
// the text lies in a buffer with SIMDJSON_PADDING bytes after it and a JSON string ends with a quote.
inline std::size_t find_quote_or_backslash(const char* text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  for (std::size_t offset = 0;; offset += 8) {
    std::uint64_t word;
    std::memcpy(&word, text + offset, 8);
    const std::uint64_t quotes = word ^ (kOnes * '"');
    const std::uint64_t backslashes = word ^ (kOnes * '\\');
    // Classic "has zero byte": the lowest flagged byte is always a true match.
    const std::uint64_t hits =
        ((quotes - kOnes) & ~quotes & kHighs) | ((backslashes - kOnes) & ~backslashes & kHighs);
    if (hits != 0) return offset + static_cast<std::size_t>(std::countr_zero(hits) >> 3);
  }
}

std::string_view raw_token(simdjson::ondemand::value& value) { return value.raw_json_token(); }
std::string_view raw_token(simdjson::ondemand::document& document) {
  std::string_view token;
  if (document.raw_json_token().get(token) != SUCCESS) return {};
  return token;
}

// Reads a scalar (string, number, boolean, null) from a value or a scalar document.
template <typename Source>
error_code read_scalar(Source& source, json_type type, std::uint32_t field, std::uint32_t context,
                       Extraction& out) {
  FieldValue value;
  value.field = field;
  value.context = context;
  switch (type) {
    case json_type::string: {
      value.type = ValueType::string;
      // Strings without escapes are used in place; only escaped ones are unescaped (copied).
      const std::string_view token = raw_token(source);
      const std::size_t end = token.empty() ? 0 : find_quote_or_backslash(token.data() + 1);
      if (!token.empty() && token[0] == '"' && token.data()[1 + end] == '"') {
        value.text = std::string_view(token.data() + 1, end);
      } else if (const auto error = source.get_string().get(value.text)) {
        return error;
      }
      break;
    }
    case json_type::number: {
      value.type = ValueType::number;
      value.text = raw_token(source);
      double number = 0;
      switch (parse_json_number(value.text, number)) {
        case NumberParse::ok:
          value.has_number = true;
          value.number = number;
          break;
        case NumberParse::out_of_range:
          break;
        case NumberParse::invalid:
          return simdjson::NUMBER_ERROR;
      }
      break;
    }
    case json_type::boolean: {
      bool flag = false;
      if (const auto error = source.get_bool().get(flag)) return error;
      value.type = flag ? ValueType::boolean_true : ValueType::boolean_false;
      break;
    }
    case json_type::null: {
      bool is_null = false;
      if (const auto error = source.is_null().get(is_null)) return error;
      if (!is_null) return simdjson::N_ATOM_ERROR;
      value.type = ValueType::null;
      break;
    }
    default:
      return simdjson::INCORRECT_TYPE;
  }
  out.add(value);
  return SUCCESS;
}

}  // namespace

error_code FieldExtractor::extract_object_document(simdjson::ondemand::document& document, Extraction& out) const {
  simdjson::ondemand::object object;
  if (const auto error = document.get_object().get(object)) return error;
  return walk_object(object, PathTrie::kRoot, 0, out);
}

error_code FieldExtractor::extract_document_at(simdjson::ondemand::document& document, std::uint32_t node,
                                               Extraction& out) const {
  json_type type;
  if (const auto error = document.type().get(type)) return error;
  switch (type) {
    case json_type::object: {
      if (wanted_children(node) == 0) return SUCCESS;
      simdjson::ondemand::object object;
      if (const auto error = document.get_object().get(object)) return error;
      return walk_object(object, node, 0, out);
    }
    case json_type::array: {
      simdjson::ondemand::array array;
      if (const auto error = document.get_array().get(array)) return error;
      return walk_array(array, node, 0, out);
    }
    default:
      if (trie_.field(node) == kNone) return SUCCESS;
      return read_scalar(document, type, trie_.field(node), 0, out);
  }
}

error_code FieldExtractor::walk_object(simdjson::ondemand::object& object, std::uint32_t node, std::uint32_t context,
                                       Extraction& out) const {
  // Once every child the trie wants here has been seen, the rest of the object is skipped: a
  // repeated key later in the same object is not read (first occurrence wins, as in simdjson's
  // own field lookup). Saves walking the long tail of payloads such as vCenter events.
  const std::size_t wanted = wanted_children(node);
  std::uint64_t seen = 0;
  std::size_t seen_count = 0;
  for (auto member : object) {
    if (const auto error = member.error()) return error;
    simdjson::ondemand::field& field = member.value_unsafe();
    // Compare the raw key in place; measure and unescape only keys that need it.
    const char* raw = field.key().raw();
    std::uint32_t slot = trie_.find_raw_key(node, raw);
    if (slot == PathTrie::kSlowPath) {
      const std::size_t end = find_quote_or_backslash(raw);
      std::string_view key(raw, end);
      if (raw[end] == '\\') {
        if (const auto error = field.unescaped_key().get(key)) return error;
      }
      slot = trie_.find_slot(node, key);
    }
    if (slot == kNone) continue;  // On Demand skips the unread value
    const std::uint32_t child = trie_.child_at(node, slot);
    if (selection_ != nullptr && !selection_->selected(child)) continue;
    if (const auto error = walk_value(field.value(), child, context, out)) return error;
    if (slot < 64 && (seen & (std::uint64_t{1} << slot)) == 0) {
      seen |= std::uint64_t{1} << slot;
      if (++seen_count == wanted) break;
    }
  }
  return SUCCESS;
}

error_code FieldExtractor::walk_value(simdjson::ondemand::value& value, std::uint32_t node, std::uint32_t context,
                                      Extraction& out) const {
  json_type type;
  if (const auto error = value.type().get(type)) return error;
  switch (type) {
    case json_type::object: {
      if (wanted_children(node) == 0) return SUCCESS;  // exists matches leaves only
      simdjson::ondemand::object object;
      if (const auto error = value.get_object().get(object)) return error;
      return walk_object(object, node, context, out);
    }
    case json_type::array: {
      simdjson::ondemand::array array;
      if (const auto error = value.get_array().get(array)) return error;
      return walk_array(array, node, context, out);
    }
    default:
      if (trie_.field(node) == kNone) return SUCCESS;
      return read_scalar(value, type, trie_.field(node), context, out);
  }
}

error_code FieldExtractor::walk_array(simdjson::ondemand::array& array, std::uint32_t node, std::uint32_t context,
                                      Extraction& out) const {
  // Arrays are transparent in paths; their object and array elements become contexts so that
  // fields from different elements are never combined. Scalar elements need no context: event-ruler
  // gives membership only to elements that are objects or arrays.
  const std::uint32_t array_id = out.next_array_id++;
  std::uint32_t index = 0;
  for (auto member : array) {
    if (const auto error = member.error()) return error;
    simdjson::ondemand::value& element = member.value_unsafe();
    json_type type;
    if (const auto error = element.type().get(type)) return error;
    if (type == json_type::object || type == json_type::array) {
      if (type == json_type::array || wanted_children(node) != 0) {
        const auto element_context = static_cast<std::uint32_t>(out.contexts.size());
        out.contexts.push_back(
            ArrayContext{context, array_id, index, out.contexts[context].depth + 1});
        if (const auto error = walk_value(element, node, element_context, out)) return error;
      }
    } else if (trie_.field(node) != kNone) {
      if (const auto error = read_scalar(element, type, trie_.field(node), context, out)) return error;
    }
    ++index;
  }
  return SUCCESS;
}

void FieldExtractor::extract_attributes(const Event& event, const EventFields& fields, Extraction& out) const {
  const std::string_view attributes[8] = {event.id,   event.source,     event.specversion, event.type,
                                          event.datacontenttype, event.dataschema, event.subject, event.time};
  for (std::size_t i = 0; i < 8; ++i) {
    if (fields.attributes[i] == kNone) continue;
    // Optional attributes are empty when absent; the four required ones are always present.
    if (i >= 4 && attributes[i].empty()) continue;
    FieldValue value;
    value.type = ValueType::string;
    value.text = attributes[i];
    value.field = fields.attributes[i];
    out.add(value);
  }
  for (const Extension& extension : event.extensions) {
    const std::uint32_t node = trie_.find_child(PathTrie::kRoot, extension.name);
    if (node == kNone || trie_.field(node) == kNone) continue;
    FieldValue value;
    value.field = trie_.field(node);
    value.text = extension.value;
    switch (extension.type) {
      case Extension::Type::string:
        value.type = ValueType::string;
        break;
      case Extension::Type::integer: {
        value.type = ValueType::number;
        double number = 0;
        const NumberParse parsed = parse_json_number(extension.value, number);
        if (parsed == NumberParse::invalid) {
          value.type = ValueType::string;  // a decoder bug upstream; keep the text matchable
        } else {
          value.has_number = parsed == NumberParse::ok;
          value.number = number;
        }
        break;
      }
      case Extension::Type::boolean:
        value.type = extension.value == "true" ? ValueType::boolean_true : ValueType::boolean_false;
        break;
    }
    out.add(value);
  }
}

}  // namespace sluice::pattern
