#include "stages/decode/json_event_reader.hpp"

#include "stages/decode/base64.hpp"
#include "stages/decode/event_checks.hpp"
#include "stages/decode/json_text.hpp"

#include <fmt/format.h>

namespace sluice::decode {
namespace {

using attribute_rules::Member;

constexpr auto bit = attribute_rules::member_bit;

std::string bad_name(std::string_view name) {
  return fmt::format("invalid attribute name '{}' (CloudEvents attribute names are lower-case letters a-z and "
                     "digits 0-9)",
                     printable(name));
}

std::string bad_string(std::string_view name) {
  return fmt::format("attribute '{}' contains a control character or a Unicode noncharacter", name);
}

}  // namespace

bool JsonEventReader::read_document(od::document& doc, Event& event, Arena& arena, std::string_view what) {
  std::string_view token;
  if (auto error = doc.raw_json_token().get(token)) return cursor_.malformed(error);
  if (token.empty() || token.front() != '{') return cursor_.fail(fmt::format("{} is not a JSON object", what));
  od::object object;
  if (auto error = doc.get_object().get(object)) return cursor_.malformed(error, token.data());
  arena_ = &arena;
  DataMember data;
  if (!read_members(object, event, data)) return false;
  if (const char* trailing = cursor_.next_location(); trailing != nullptr) {
    return cursor_.fail(fmt::format("malformed JSON at byte {}: unexpected content after the event",
                                    cursor_.offset(trailing)));
  }
  event.structured_json = json_text::trim_right(
      std::string_view(token.data(), static_cast<std::size_t>(cursor_.document_end() - token.data())));
  return finish(event, data);
}

bool JsonEventReader::read_element(od::value& value, Event& event, Arena& arena) {
  const std::string_view token = value.raw_json_token();
  if (token.empty()) return cursor_.malformed(simdjson::TAPE_ERROR);
  const char first = token.front();
  if (first != '{') {
    const bool is_value = first == '[' || first == '"' || first == '-' || (first >= '0' && first <= '9') ||
                          first == 't' || first == 'f' || first == 'n';
    return is_value ? cursor_.fail("is not a JSON object") : cursor_.malformed(simdjson::TAPE_ERROR, token.data());
  }
  od::object object;
  if (auto error = value.get_object().get(object)) return cursor_.malformed(error, token.data());
  arena_ = &arena;
  DataMember data;
  if (!read_members(object, event, data)) return false;
  // The object's text ends before the separator that follows it.
  const char* next = cursor_.next_location();
  const char* end = next != nullptr ? next : cursor_.document_end();
  event.structured_json =
      json_text::trim_right(std::string_view(token.data(), static_cast<std::size_t>(end - token.data())));
  return finish(event, data);
}

bool JsonEventReader::read_members(od::object& object, Event& event, DataMember& data) {
  std::uint32_t seen = 0;
  extension_names_.clear();
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return cursor_.malformed(error);
    std::string_view name;
    if (!member_name(field, name, cursor_)) return false;
    const Member kind = attribute_rules::classify(name);
    if (kind != Member::extension) {
      if ((seen & bit(kind)) != 0) return cursor_.fail(fmt::format("duplicate attribute '{}'", name));
      seen |= bit(kind);
    }
    od::value& value = field.value();
    bool ok = true;
    switch (kind) {
      case Member::data: ok = read_data(value, event, data); break;
      case Member::data_base64: ok = read_base64(value, event, data); break;
      case Member::extension: ok = read_extension(name, value, event); break;
      default: ok = read_context_attribute(kind, value, event); break;
    }
    if (!ok) return false;
  }
  if (data.present && data.base64) return cursor_.fail("'data' and 'data_base64' are mutually exclusive");
  return true;
}

bool JsonEventReader::read_context_attribute(Member kind, od::value& value, Event& event) {
  std::string_view text;
  const StringRead read = read_string(value, text);
  if (read == StringRead::failed) return false;
  if (read == StringRead::null) return true;  // null means absent (json-format.md 2.2)
  const std::string_view name = attribute_rules::member_name(kind);
  if (read == StringRead::not_string) return cursor_.fail(fmt::format("attribute '{}' must be a string", name));
  if (text.empty()) return cursor_.fail(fmt::format("attribute '{}' must be a non-empty string", name));
  if (!attribute_rules::is_valid_string(text)) return cursor_.fail(bad_string(name));
  // Checked at once: under another version the other members mean something else, and this is
  // the clearer message (producers put specversion first).
  if (kind == Member::specversion && text != "1.0") return unsupported_specversion(text, cursor_);
  attribute_rules::set_context_attribute(kind, text, event);
  return true;
}

bool JsonEventReader::read_extension(std::string_view name, od::value& value, Event& event) {
  if (!attribute_rules::is_valid_name(name)) return cursor_.fail(bad_name(name));
  if (!cursor_.in_body(name)) name = arena_->copy(name);  // it had escapes
  extension_names_.push_back(name);

  const std::string_view token = value.raw_json_token();
  if (token.empty()) return cursor_.malformed(simdjson::TAPE_ERROR);
  Extension extension;
  extension.name = name;
  switch (token.front()) {
    case '"': {
      if (read_string(value, extension.value) == StringRead::failed) return false;
      if (!attribute_rules::is_valid_string(extension.value)) return cursor_.fail(bad_string(name));
      extension.type = Extension::Type::string;
      break;
    }
    case 't':
    case 'f':
    case 'n': {
      const std::string_view literal = json_text::trim_right(token);
      if (literal == "null") return true;  // absent
      if (literal != "true" && literal != "false") return cursor_.malformed(simdjson::T_ATOM_ERROR, token.data());
      extension.value = literal;
      extension.type = Extension::Type::boolean;
      break;
    }
    case '{':
    case '[':
      return cursor_.fail(fmt::format("attribute '{}' must be a string, integer or boolean, not an {}", name,
                                      token.front() == '{' ? "object" : "array"));
    default: {
      const std::string_view number = json_text::trim_right(token);
      if (!json_text::is_number(number)) return cursor_.malformed(simdjson::NUMBER_ERROR, token.data());
      if (!json_text::is_integer(number)) {
        return cursor_.fail(fmt::format("attribute '{}' must be a whole number (CloudEvents Integer)", name));
      }
      if (!attribute_rules::is_int32(number)) {
        return cursor_.fail(
            fmt::format("attribute '{}' is outside the CloudEvents Integer range (32-bit signed)", name));
      }
      extension.value = number;
      extension.type = Extension::Type::integer;
      break;
    }
  }
  event.extensions.push_back(extension);
  return true;
}

bool JsonEventReader::read_data(od::value& value, Event& event, DataMember& data) {
  const std::string_view token = value.raw_json_token();
  if (token.empty()) return cursor_.malformed(simdjson::TAPE_ERROR);
  const char first = token.front();
  const char* end = nullptr;
  if (first == '{' || first == '[') {
    if (options_.validate_data ? !checker_.check_value(value, 1) : !skip_container(value, first)) return false;
    // Consumed: the parser now stands at the token after the value.
    end = cursor_.next_location();
    if (end == nullptr) end = cursor_.document_end();
  } else {
    if (options_.validate_data && !checker_.check_value(value, 1)) return false;
    end = token.data() + json_text::trim_right(token).size();
  }
  data.present = true;
  data.is_string = first == '"';
  event.data_kind = DataKind::json;
  event.data =
      json_text::trim_right(std::string_view(token.data(), static_cast<std::size_t>(end - token.data())));
  return true;
}

bool JsonEventReader::skip_container(od::value& value, char first) {
  std::string_view raw;
  const char* start = value.raw_json_token().data();
  if (first == '{') {
    od::object object;
    if (auto error = value.get_object().get(object)) return cursor_.malformed(error, start);
    if (auto error = object.raw_json().get(raw)) return cursor_.malformed(error);
  } else {
    od::array array;
    if (auto error = value.get_array().get(array)) return cursor_.malformed(error, start);
    if (auto error = array.raw_json().get(raw)) return cursor_.malformed(error);
  }
  return true;
}

bool JsonEventReader::read_base64(od::value& value, Event& event, DataMember& data) {
  std::string_view text;
  const StringRead read = read_string(value, text);
  if (read == StringRead::failed) return false;
  if (read == StringRead::null) return true;
  if (read == StringRead::not_string) return cursor_.fail("'data_base64' must be a string");
  char* out = arena_->allocate(base64::max_decoded_size(text.size()));
  const std::ptrdiff_t size = base64::decode(text, out);
  if (size < 0) return cursor_.fail("'data_base64' is not valid base64 (RFC 4648)");
  data.base64 = true;
  event.data_kind = DataKind::binary;
  event.data = std::string_view(out, static_cast<std::size_t>(size));
  return true;
}

// A JSON string value: a view into the body without escapes, else unescaped into the arena.
JsonEventReader::StringRead JsonEventReader::read_string(od::value& value, std::string_view& text) {
  const std::string_view token = value.raw_json_token();
  if (token.empty()) return cursor_.malformed(simdjson::TAPE_ERROR), StringRead::failed;
  if (token.front() == 'n') {
    if (json_text::trim_right(token) == "null") return StringRead::null;
    return cursor_.malformed(simdjson::N_ATOM_ERROR, token.data()), StringRead::failed;
  }
  if (token.front() != '"') return StringRead::not_string;
  const std::string_view content = json_text::string_token_content(token);
  if (!json_text::has_escape(content)) {
    text = content;
    return StringRead::ok;
  }
  std::string_view unescaped;
  if (auto error = value.get_string().get(unescaped)) {
    return cursor_.malformed(error, token.data()), StringRead::failed;
  }
  text = arena_->copy(unescaped);
  return StringRead::ok;
}

bool JsonEventReader::finish(Event& event, const DataMember& data) {
  if (!check_event(event, extension_names_, cursor_)) return false;
  // A string `data` under a non-JSON content type is the content itself, e.g. XML text
  // (json-format.md 3.1.2): sinks get the unescaped bytes.
  if (data.is_string && !event.datacontenttype.empty() &&
      !attribute_rules::is_json_content_type(event.datacontenttype)) {
    const auto content = json_text::quoted_content(event.data);
    if (!content) return cursor_.malformed(simdjson::STRING_ERROR, event.data.data());
    if (!json_text::has_escape(*content)) {
      event.data = *content;
    } else {
      if (!json_text::unescape(*content, scratch_)) return cursor_.malformed(simdjson::STRING_ERROR, event.data.data());
      event.data = arena_->copy(scratch_);
    }
    event.data_kind = DataKind::binary;
  }
  return true;
}

}  // namespace sluice::decode
