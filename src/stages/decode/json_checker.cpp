#include "stages/decode/json_checker.hpp"

#include "stages/decode/json_text.hpp"

#include <fmt/format.h>

namespace sluice::decode {

// Between a key's closing quote and its value there is only whitespace and the colon, so the
// key's end is found from the value's start instead of by scanning the key.
bool member_name(od::field& field, std::string_view& name, Cursor& cursor) {
  const char* start = field.key().raw();
  const char* end = field.value().raw_json_token().data();
  while (end > start && (json_text::is_whitespace(end[-1]) || end[-1] == ':')) --end;
  if (end <= start || end[-1] != '"') return cursor.malformed(simdjson::TAPE_ERROR, start - 1);
  name = std::string_view(start, static_cast<std::size_t>(end - 1 - start));
  if (!json_text::has_escape(name)) return true;
  if (auto error = field.unescaped_key().get(name)) return cursor.malformed(error, start - 1);
  return true;
}

bool JsonChecker::check_value(od::value& value, std::uint32_t depth) {
  const std::string_view token = value.raw_json_token();
  if (token.empty()) return cursor_.malformed(simdjson::TAPE_ERROR);
  switch (token.front()) {
    case '{': {
      if (depth > max_depth_) break;
      od::object object;
      if (auto error = value.get_object().get(object)) return cursor_.malformed(error, token.data());
      for (auto member : object) {
        od::field field;
        std::string_view name;
        if (auto error = std::move(member).get(field)) return cursor_.malformed(error);
        if (!member_name(field, name, cursor_) || !check_value(field.value(), depth + 1)) return false;
      }
      return true;
    }
    case '[': {
      if (depth > max_depth_) break;
      od::array array;
      if (auto error = value.get_array().get(array)) return cursor_.malformed(error, token.data());
      for (auto element : array) {
        od::value item;
        if (auto error = std::move(element).get(item)) return cursor_.malformed(error);
        if (!check_value(item, depth + 1)) return false;
      }
      return true;
    }
    case '"': return check_string(value, token);
    default: return check_scalar(token);
  }
  return cursor_.fail(fmt::format("malformed JSON at byte {}: data nests deeper than {} levels",
                                  cursor_.offset(token.data()), max_depth_));
}

// Stage 1 already checked UTF-8 and control characters; only escapes are left to check, and only
// when there are any. Nothing is kept: data is forwarded as raw JSON.
bool JsonChecker::check_string(od::value& value, std::string_view token) {
  if (!json_text::has_escape(json_text::string_token_content(token))) return true;
  std::string_view unescaped;
  if (auto error = value.get_string().get(unescaped)) return cursor_.malformed(error, token.data());
  return true;
}

// Numbers are checked by grammar, not parsed: valid JSON numbers beyond a double's range are data.
bool JsonChecker::check_scalar(std::string_view token) {
  const std::string_view text = json_text::trim_right(token);
  if (text == "true" || text == "false" || text == "null" || json_text::is_number(text)) return true;
  const char first = text.empty() ? '\0' : text.front();
  const auto error = first == 't'   ? simdjson::T_ATOM_ERROR
                     : first == 'f' ? simdjson::F_ATOM_ERROR
                     : first == 'n' ? simdjson::N_ATOM_ERROR
                     : (first == '-' || (first >= '0' && first <= '9')) ? simdjson::NUMBER_ERROR
                                                                         : simdjson::INCORRECT_TYPE;
  return cursor_.malformed(error, token.data());
}

bool JsonChecker::check_document(od::parser& parser, std::string_view json) {
  od::document doc;
  if (!cursor_.start_document(parser, json, doc)) return false;
  std::string_view token;
  if (auto error = doc.raw_json_token().get(token)) return cursor_.malformed(error);
  if (token.empty()) return cursor_.malformed(simdjson::EMPTY);
  if (token.front() == '{' || token.front() == '[') {
    od::value value;
    if (auto error = doc.get_value().get(value)) return cursor_.malformed(error, token.data());
    if (!check_value(value, 1)) return false;
    if (const char* trailing = cursor_.next_location(); trailing != nullptr) {
      return cursor_.fail(fmt::format("malformed JSON at byte {}: unexpected content after the JSON value",
                                      cursor_.offset(trailing)));
    }
    return true;
  }
  // A scalar document: its token runs up to the next token, so anything after it is trailing.
  if (token.data() + token.size() < cursor_.document_end()) {
    return cursor_.fail(fmt::format("malformed JSON at byte {}: unexpected content after the JSON value",
                                    cursor_.offset(token.data() + token.size())));
  }
  if (token.front() == '"') {
    std::string_view text;
    if (auto error = doc.get_string().get(text)) return cursor_.malformed(error, token.data());
    return true;
  }
  return check_scalar(token);
}

}  // namespace sluice::decode
