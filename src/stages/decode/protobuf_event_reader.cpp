#include "stages/decode/protobuf_event_reader.hpp"

#include "stages/decode/attribute_rules.hpp"
#include "stages/decode/event_checks.hpp"
#include "stages/decode/json_checker.hpp"
#include "stages/decode/json_text.hpp"

#include <sluice/core/json_string.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <string>
#include <vector>

namespace sluice::decode {
namespace {

using attribute_rules::Member;

// Protobuf wire types (encoding guide). Groups (3, 4) are deprecated and never used by
// cloudevents.proto; they are refused rather than walked, so nothing here nests without bound.
enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// Field numbers of cloudevents.proto (and of the two well-known types it uses).
namespace field {
constexpr std::uint32_t kBatchEvents = 1;
constexpr std::uint32_t kId = 1;
constexpr std::uint32_t kSource = 2;
constexpr std::uint32_t kSpecVersion = 3;
constexpr std::uint32_t kType = 4;
constexpr std::uint32_t kAttributes = 5;
constexpr std::uint32_t kBinaryData = 6;
constexpr std::uint32_t kTextData = 7;
constexpr std::uint32_t kProtoData = 8;
constexpr std::uint32_t kMapKey = 1;
constexpr std::uint32_t kMapValue = 2;
constexpr std::uint32_t kCeBoolean = 1;
constexpr std::uint32_t kCeInteger = 2;
constexpr std::uint32_t kCeString = 3;
constexpr std::uint32_t kCeBytes = 4;
constexpr std::uint32_t kCeUri = 5;
constexpr std::uint32_t kCeUriRef = 6;
constexpr std::uint32_t kCeTimestamp = 7;
constexpr std::uint32_t kAnyTypeUrl = 1;
constexpr std::uint32_t kAnyValue = 2;
constexpr std::uint32_t kTimestampSeconds = 1;
constexpr std::uint32_t kTimestampNanos = 2;
}  // namespace field

constexpr std::string_view kProtobufContentType = "application/protobuf";

// Reads one message's fields. Every read is bounds-checked against the message's end; the first
// failure records a short reason and the offset (in the body) where it happened.
class WireReader {
 public:
  WireReader(std::string_view bytes, const char* body_begin) noexcept
      : pos_(bytes.data()), end_(bytes.data() + bytes.size()), body_begin_(body_begin) {}

  bool done() const noexcept { return pos_ == end_; }

  bool next_field(std::uint32_t& number, std::uint32_t& wire_type) noexcept {
    at_ = pos_;
    std::uint64_t tag = 0;
    if (!varint(tag)) return false;
    if (tag > 0xFFFF'FFFFu) return fail("field number out of range");
    number = static_cast<std::uint32_t>(tag >> 3);
    wire_type = static_cast<std::uint32_t>(tag & 7);
    if (number == 0) return fail("field number 0");
    if (wire_type == 3 || wire_type == 4) return fail("groups (wire types 3 and 4) are not supported");
    if (wire_type > 5) return fail("invalid wire type");
    return true;
  }

  bool varint(std::uint64_t& value) noexcept {
    value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos_ == end_) return fail("truncated varint");
      const auto byte = static_cast<unsigned char>(*pos_++);
      value |= std::uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80u) == 0) return true;
    }
    return fail("varint longer than 10 bytes");
  }

  bool length_delimited(std::string_view& bytes) noexcept {
    std::uint64_t length = 0;
    if (!varint(length)) return false;
    if (length > static_cast<std::uint64_t>(end_ - pos_)) return fail("length runs past the end of the message");
    bytes = std::string_view(pos_, static_cast<std::size_t>(length));
    pos_ += length;
    return true;
  }

  // Skips a field this reader does not know (a newer schema's): proto3 keeps such messages valid.
  bool skip(std::uint32_t wire_type) noexcept {
    std::uint64_t ignored = 0;
    std::string_view bytes;
    switch (wire_type) {
      case kVarint: return varint(ignored);
      case kLengthDelimited: return length_delimited(bytes);
      case kFixed64: return fixed(8);
      case kFixed32: return fixed(4);
      default: return fail("invalid wire type");
    }
  }

  // A known field arrived with another wire type than its schema's.
  bool wrong_type(std::string_view name, std::uint32_t wire_type) noexcept {
    what_ = name;
    wrong_wire_type_ = wire_type;
    return fail("wrong wire type");
  }

  std::string describe() const {
    const auto offset = static_cast<std::size_t>(at_ - body_begin_);
    if (wrong_wire_type_ != kNoWireType) {
      return fmt::format("malformed protobuf at byte {}: field '{}' has wire type {}, not the schema's", offset, what_,
                         wrong_wire_type_);
    }
    return fmt::format("malformed protobuf at byte {}: {}", offset, error_);
  }

 private:
  static constexpr std::uint32_t kNoWireType = 0xFFFF'FFFFu;

  bool fixed(std::size_t size) noexcept {
    if (static_cast<std::size_t>(end_ - pos_) < size) return fail("truncated fixed-size value");
    pos_ += size;
    return true;
  }
  bool fail(const char* reason) noexcept {
    if (error_ == nullptr) error_ = reason;
    return false;
  }

  const char* pos_;
  const char* end_;
  const char* body_begin_;
  const char* at_ = nullptr;  // the start of the field being read
  const char* error_ = nullptr;
  std::string_view what_;
  std::uint32_t wrong_wire_type_ = kNoWireType;
};

// One CloudEventAttributeValue as it was on the wire (a oneof: the last member set wins).
struct AttributeValue {
  enum class Kind : std::uint8_t { unset, boolean, integer, string, bytes, uri, uri_ref, timestamp };
  Kind kind = Kind::unset;
  std::uint64_t number = 0;  // boolean, integer
  std::string_view bytes;    // string, bytes, uri, uri_ref
  std::int64_t seconds = 0;  // timestamp
  std::int32_t nanos = 0;
};

// One CloudEvent as it was on the wire, before the CloudEvents rules.
struct WireEvent {
  enum class Data : std::uint8_t { none, binary, text, proto };
  std::string_view id;
  std::string_view source;
  std::string_view spec_version;
  std::string_view type;
  Data data = Data::none;
  std::string_view data_bytes;  // binary_data, text_data, or proto_data's value
  std::string_view type_url;    // proto_data
};

struct MapEntry {
  std::string_view key;
  std::string_view value;  // the serialized CloudEventAttributeValue
  bool has_value = false;
};

constexpr auto bit = attribute_rules::member_bit;

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string_view base64_encode(std::string_view bytes, Arena& arena) {
  const std::size_t size = (bytes.size() + 2) / 3 * 4;
  if (size == 0) return std::string_view();
  char* out = arena.allocate(size);
  char* next = out;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *next++ = kBase64Alphabet[(group >> 18) & 0x3F];
    *next++ = kBase64Alphabet[(group >> 12) & 0x3F];
    *next++ = kBase64Alphabet[(group >> 6) & 0x3F];
    *next++ = kBase64Alphabet[group & 0x3F];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t group = std::uint32_t{in[i]} << 16;
    if (rest == 2) group |= std::uint32_t{in[i + 1]} << 8;
    *next++ = kBase64Alphabet[(group >> 18) & 0x3F];
    *next++ = kBase64Alphabet[(group >> 12) & 0x3F];
    *next++ = rest == 2 ? kBase64Alphabet[(group >> 6) & 0x3F] : '=';
    *next++ = '=';
  }
  return std::string_view(out, size);
}

void two_digits(char* out, unsigned value) noexcept {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
}

// protobuf Timestamp's range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr std::int64_t kMinSeconds = -62'135'596'800;
constexpr std::int64_t kMaxSeconds = 253'402'300'799;

// RFC 3339 UTC with 0, 3, 6 or 9 fraction digits (what protobuf's JSON mapping writes), or empty
// when the timestamp is outside protobuf's range.
std::string_view format_timestamp(std::int64_t seconds, std::int32_t nanos, Arena& arena) {
  if (seconds < kMinSeconds || seconds > kMaxSeconds || nanos < 0 || nanos > 999'999'999) return {};
  std::int64_t days = seconds / 86'400;
  std::int64_t second_of_day = seconds % 86'400;
  if (second_of_day < 0) {
    second_of_day += 86'400;
    --days;
  }
  // Civil date from days since 1970-01-01 (Howard Hinnant's civil_from_days).
  const std::int64_t z = days + 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const auto day_of_era = static_cast<unsigned>(z - era * 146'097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const auto year = static_cast<unsigned>(static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0));

  char* out = arena.allocate(30);
  two_digits(out, year / 100);
  two_digits(out + 2, year % 100);
  out[4] = '-';
  two_digits(out + 5, month);
  out[7] = '-';
  two_digits(out + 8, day);
  out[10] = 'T';
  const auto sod = static_cast<unsigned>(second_of_day);
  two_digits(out + 11, sod / 3600);
  out[13] = ':';
  two_digits(out + 14, sod / 60 % 60);
  out[16] = ':';
  two_digits(out + 17, sod % 60);
  std::size_t size = 19;
  if (nanos != 0) {
    unsigned digits = 9;
    auto fraction = static_cast<unsigned>(nanos);
    if (fraction % 1'000'000 == 0) {
      digits = 3;
      fraction /= 1'000'000;
    } else if (fraction % 1'000 == 0) {
      digits = 6;
      fraction /= 1'000;
    }
    out[size++] = '.';
    for (unsigned i = digits; i > 0; --i) {
      out[size + i - 1] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    size += digits;
  }
  out[size++] = 'Z';
  return std::string_view(out, size);
}

std::string bad_name(std::string_view name) {
  return fmt::format("invalid attribute name '{}' (CloudEvents attribute names are lower-case letters a-z and "
                     "digits 0-9)",
                     printable(name));
}

std::string bad_string(std::string_view name) {
  return fmt::format("attribute '{}' contains invalid UTF-8, a control character or a Unicode noncharacter", name);
}

// Attribute values are short and nearly always ASCII: a word-at-a-time check of the high bits
// spares simdjson's dispatching validator (measured: ~10 % of decoding) for them.
bool is_utf8(std::string_view text) noexcept {
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    if ((word & kHigh) != 0) return simdjson::validate_utf8(text.data(), text.size());
  }
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0x80u) != 0) return simdjson::validate_utf8(text.data(), text.size());
  }
  return true;
}

bool is_valid_text(std::string_view text) noexcept { return is_utf8(text) && attribute_rules::is_valid_string(text); }

BatchOutcome invalid(std::int64_t index, std::string reason) {
  BatchOutcome outcome;
  outcome.status = BatchOutcome::Status::invalid;
  outcome.error_index = index;
  outcome.reason = std::move(reason);
  return outcome;
}

class ProtobufEventReader {
 public:
  ProtobufEventReader(IngressBatch& batch, const DecodeOptions& options, od::parser& parser, Cursor& cursor)
      : batch_(batch), options_(options), parser_(parser), cursor_(cursor),
        json_checker_(json_cursor_, options.max_depth), body_(batch.body().view()) {}

  std::optional<BatchOutcome> read(bool& limit_exceeded) {
    // First pass: the batch's own structure, and the event count to size the vector.
    std::size_t events = 0;
    {
      WireReader reader(body_, body_.data());
      while (!reader.done()) {
        std::uint32_t number = 0;
        std::uint32_t wire_type = 0;
        std::string_view bytes;
        if (!reader.next_field(number, wire_type)) return invalid(-1, batch_problem(reader));
        if (number != field::kBatchEvents) {
          if (!reader.skip(wire_type)) return invalid(-1, batch_problem(reader));
          continue;
        }
        if (wire_type != kLengthDelimited) {
          reader.wrong_type("events", wire_type);
          return invalid(-1, batch_problem(reader));
        }
        if (!reader.length_delimited(bytes)) return invalid(-1, batch_problem(reader));
        ++events;
      }
    }
    if (events > options_.max_events_per_batch) {
      limit_exceeded = true;  // refused even with a dead letter: it is a limit, not bad data
      return invalid(static_cast<std::int64_t>(options_.max_events_per_batch),
                     fmt::format("more than {} events in one batch (max_events_per_batch); send smaller batches",
                                 options_.max_events_per_batch));
    }
    batch_.events.reserve(events);

    // Second pass: each event; the structure was checked, so only events remain to read.
    WireReader reader(body_, body_.data());
    std::int64_t index = 0;
    while (!reader.done()) {
      std::uint32_t number = 0;
      std::uint32_t wire_type = 0;
      std::string_view bytes;
      reader.next_field(number, wire_type);
      if (number != field::kBatchEvents) {
        reader.skip(wire_type);
        continue;
      }
      reader.length_delimited(bytes);
      Event& event = batch_.events.emplace_back();
      if (!read_event(bytes, event)) return invalid(index, fmt::format("event {}: {}", index, cursor_.problem()));
      ++index;
    }
    return std::nullopt;
  }

 private:
  static std::string batch_problem(const WireReader& reader) {
    return fmt::format("{} (expected a serialized io.cloudevents.v1.CloudEventBatch)", reader.describe());
  }

  bool malformed(const WireReader& reader) { return cursor_.fail(reader.describe()); }

  bool read_event(std::string_view bytes, Event& event) {
    WireEvent wire;
    entries_.clear();
    if (!read_wire_event(bytes, wire)) return false;

    // The order of the JSON path's checks (specversion first, as producers and the JSON renderer
    // put it), so that one bad event gets the same reason whichever way it arrived.
    std::uint32_t seen = 0;
    const std::pair<Member, std::string_view> required[] = {{Member::specversion, wire.spec_version},
                                                            {Member::id, wire.id},
                                                            {Member::source, wire.source},
                                                            {Member::type, wire.type}};
    for (const auto& [kind, text] : required) {
      if (text.empty()) continue;  // absent: check_event names it unless an attribute sets it
      if (!context_attribute(kind, text, event, seen)) return false;
    }
    extension_names_.clear();
    for (const MapEntry& entry : entries_) {
      if (!attribute(entry, event, seen)) return false;
    }
    if (!data(wire, event, seen)) return false;
    return check_event(event, extension_names_, cursor_);
  }

  bool read_wire_event(std::string_view bytes, WireEvent& wire) {
    WireReader reader(bytes, body_.data());
    while (!reader.done()) {
      std::uint32_t number = 0;
      std::uint32_t wire_type = 0;
      if (!reader.next_field(number, wire_type)) return malformed(reader);
      std::string_view* target = nullptr;
      std::string_view name;
      switch (number) {
        case field::kId: target = &wire.id, name = "id"; break;
        case field::kSource: target = &wire.source, name = "source"; break;
        case field::kSpecVersion: target = &wire.spec_version, name = "spec_version"; break;
        case field::kType: target = &wire.type, name = "type"; break;
        case field::kAttributes: name = "attributes"; break;
        case field::kBinaryData: name = "binary_data"; break;
        case field::kTextData: name = "text_data"; break;
        case field::kProtoData: name = "proto_data"; break;
        default:
          if (!reader.skip(wire_type)) return malformed(reader);
          continue;
      }
      if (wire_type != kLengthDelimited) return reader.wrong_type(name, wire_type), malformed(reader);
      std::string_view value;
      if (!reader.length_delimited(value)) return malformed(reader);
      if (target != nullptr) {
        *target = value;  // a repeated singular field: the last one wins, as in protobuf
        continue;
      }
      switch (number) {
        case field::kAttributes:
          if (!read_map_entry(value)) return false;
          break;
        case field::kBinaryData:
          wire.data = WireEvent::Data::binary;
          wire.data_bytes = value;
          break;
        case field::kTextData:
          wire.data = WireEvent::Data::text;
          wire.data_bytes = value;
          break;
        default:  // proto_data: occurrences of a message field merge, field by field
          if (wire.data != WireEvent::Data::proto) {
            wire.data_bytes = {};
            wire.type_url = {};
          }
          wire.data = WireEvent::Data::proto;
          if (!read_any(value, wire)) return false;
          break;
      }
    }
    // Strings are UTF-8 in proto3; `bytes` fields are not checked.
    const std::pair<std::string_view, std::string_view> strings[] = {
        {"id", wire.id}, {"source", wire.source}, {"spec_version", wire.spec_version}, {"type", wire.type}};
    for (const auto& [name, text] : strings) {
      if (!is_utf8(text)) return cursor_.fail(fmt::format("field '{}' is not valid UTF-8", name));
    }
    return true;  // text_data's UTF-8 is checked with its JSON, in data()
  }

  bool read_map_entry(std::string_view bytes) {
    MapEntry& entry = entries_.emplace_back();
    WireReader reader(bytes, body_.data());
    while (!reader.done()) {
      std::uint32_t number = 0;
      std::uint32_t wire_type = 0;
      if (!reader.next_field(number, wire_type)) return malformed(reader);
      if (number != field::kMapKey && number != field::kMapValue) {
        if (!reader.skip(wire_type)) return malformed(reader);
        continue;
      }
      if (wire_type != kLengthDelimited) {
        return reader.wrong_type(number == field::kMapKey ? "attributes.key" : "attributes.value", wire_type),
               malformed(reader);
      }
      std::string_view value;
      if (!reader.length_delimited(value)) return malformed(reader);
      if (number == field::kMapKey) {
        entry.key = value;
      } else {
        entry.value = value;
        entry.has_value = true;
      }
    }
    return true;
  }

  bool read_any(std::string_view bytes, WireEvent& wire) {
    WireReader reader(bytes, body_.data());
    while (!reader.done()) {
      std::uint32_t number = 0;
      std::uint32_t wire_type = 0;
      if (!reader.next_field(number, wire_type)) return malformed(reader);
      if (number != field::kAnyTypeUrl && number != field::kAnyValue) {
        if (!reader.skip(wire_type)) return malformed(reader);
        continue;
      }
      if (wire_type != kLengthDelimited) {
        return reader.wrong_type(number == field::kAnyTypeUrl ? "proto_data.type_url" : "proto_data.value", wire_type),
               malformed(reader);
      }
      std::string_view value;
      if (!reader.length_delimited(value)) return malformed(reader);
      (number == field::kAnyTypeUrl ? wire.type_url : wire.data_bytes) = value;
    }
    if (!is_utf8(wire.type_url)) {
      return cursor_.fail("field 'proto_data.type_url' is not valid UTF-8");
    }
    return true;
  }

  bool read_attribute_value(std::string_view bytes, AttributeValue& value) {
    using Kind = AttributeValue::Kind;
    WireReader reader(bytes, body_.data());
    while (!reader.done()) {
      std::uint32_t number = 0;
      std::uint32_t wire_type = 0;
      if (!reader.next_field(number, wire_type)) return malformed(reader);
      if (number < field::kCeBoolean || number > field::kCeTimestamp) {
        if (!reader.skip(wire_type)) return malformed(reader);
        continue;
      }
      static constexpr std::string_view kNames[] = {"",       "ce_boolean", "ce_integer", "ce_string",
                                                    "ce_bytes", "ce_uri",   "ce_uri_ref", "ce_timestamp"};
      const std::uint32_t expected =
          number == field::kCeBoolean || number == field::kCeInteger ? kVarint : kLengthDelimited;
      if (wire_type != expected) return reader.wrong_type(kNames[number], wire_type), malformed(reader);
      if (expected == kVarint) {
        if (!reader.varint(value.number)) return malformed(reader);
        value.kind = number == field::kCeBoolean ? Kind::boolean : Kind::integer;
        continue;
      }
      std::string_view content;
      if (!reader.length_delimited(content)) return malformed(reader);
      switch (number) {
        case field::kCeString: value.kind = Kind::string; break;
        case field::kCeBytes: value.kind = Kind::bytes; break;
        case field::kCeUri: value.kind = Kind::uri; break;
        case field::kCeUriRef: value.kind = Kind::uri_ref; break;
        default:  // ce_timestamp: occurrences merge, field by field
          if (value.kind != Kind::timestamp) value.seconds = 0, value.nanos = 0;
          value.kind = Kind::timestamp;
          if (!read_timestamp(content, value)) return false;
          continue;
      }
      value.bytes = content;
    }
    return true;
  }

  bool read_timestamp(std::string_view bytes, AttributeValue& value) {
    WireReader reader(bytes, body_.data());
    while (!reader.done()) {
      std::uint32_t number = 0;
      std::uint32_t wire_type = 0;
      if (!reader.next_field(number, wire_type)) return malformed(reader);
      if (number != field::kTimestampSeconds && number != field::kTimestampNanos) {
        if (!reader.skip(wire_type)) return malformed(reader);
        continue;
      }
      if (wire_type != kVarint) {
        return reader.wrong_type(number == field::kTimestampSeconds ? "ce_timestamp.seconds" : "ce_timestamp.nanos",
                                 wire_type),
               malformed(reader);
      }
      std::uint64_t number_value = 0;
      if (!reader.varint(number_value)) return malformed(reader);
      // int64 and int32 are two's complement on the wire; int32 is truncated as protobuf does.
      if (number == field::kTimestampSeconds) {
        value.seconds = static_cast<std::int64_t>(number_value);
      } else {
        value.nanos = static_cast<std::int32_t>(static_cast<std::uint32_t>(number_value));
      }
    }
    return true;
  }

  // A context attribute from a top-level field or from the attributes map; `text` is valid UTF-8
  // (checked by the caller).
  bool context_attribute(Member kind, std::string_view text, Event& event, std::uint32_t& seen) {
    const std::string_view name = attribute_rules::member_name(kind);
    if ((seen & bit(kind)) != 0) return cursor_.fail(fmt::format("duplicate attribute '{}'", name));
    seen |= bit(kind);
    if (text.empty()) return cursor_.fail(fmt::format("attribute '{}' must be a non-empty string", name));
    if (!attribute_rules::is_valid_string(text)) return cursor_.fail(bad_string(name));
    if (kind == Member::specversion && text != "1.0") return unsupported_specversion(text, cursor_);
    attribute_rules::set_context_attribute(kind, text, event);
    return true;
  }

  bool attribute(const MapEntry& entry, Event& event, std::uint32_t& seen) {
    using Kind = AttributeValue::Kind;
    const std::string_view name = entry.key;
    const Member kind = attribute_rules::classify(name);
    if (kind == Member::data || kind == Member::data_base64) {
      return cursor_.fail(fmt::format("'{}' is not a valid attribute name (it is reserved for the payload)", name));
    }
    if (kind == Member::extension && !attribute_rules::is_valid_name(name)) return cursor_.fail(bad_name(name));
    AttributeValue value;
    if (entry.has_value && !read_attribute_value(entry.value, value)) return false;
    if (value.kind == Kind::unset) return true;  // no value: absent, like a JSON null

    // The value as text, and its CloudEvents type.
    std::string_view text;
    Extension::Type type = Extension::Type::string;
    switch (value.kind) {
      case Kind::boolean:
        text = value.number != 0 ? "true" : "false";
        type = Extension::Type::boolean;
        break;
      case Kind::integer: {
        char* out = batch_.arena.allocate(12);
        const auto integer = static_cast<std::int32_t>(static_cast<std::uint32_t>(value.number));
        text = std::string_view(out, static_cast<std::size_t>(std::to_chars(out, out + 12, integer).ptr - out));
        type = Extension::Type::integer;
        break;
      }
      case Kind::string:
      case Kind::uri:
      case Kind::uri_ref:
        text = value.bytes;
        if (!is_valid_text(text)) return cursor_.fail(bad_string(name));
        break;
      case Kind::bytes: text = base64_encode(value.bytes, batch_.arena); break;
      case Kind::timestamp:
        text = format_timestamp(value.seconds, value.nanos, batch_.arena);
        if (text.empty()) {
          return cursor_.fail(fmt::format("attribute '{}' is a timestamp outside 0001-01-01..9999-12-31 (seconds {}, "
                                          "nanos {})",
                                          name, value.seconds, value.nanos));
        }
        break;
      case Kind::unset: break;
    }
    if (kind != Member::extension) {
      if (type != Extension::Type::string) return cursor_.fail(fmt::format("attribute '{}' must be a string", name));
      return context_attribute(kind, text, event, seen);
    }
    extension_names_.push_back(name);
    event.extensions.push_back(Extension{name, text, type});
    return true;
  }

  bool data(const WireEvent& wire, Event& event, std::uint32_t& seen) {
    switch (wire.data) {
      case WireEvent::Data::none: return true;
      case WireEvent::Data::binary:
        event.data_kind = DataKind::binary;
        event.data = wire.data_bytes;
        return true;
      case WireEvent::Data::proto:
        // The format spec's MAY (datacontenttype) and SHOULD (dataschema, the type URL).
        if ((seen & bit(Member::datacontenttype)) == 0) event.datacontenttype = kProtobufContentType;
        if ((seen & bit(Member::dataschema)) == 0 && !wire.type_url.empty()) {
          if (!is_valid_text(wire.type_url)) return cursor_.fail(bad_string("dataschema"));
          event.dataschema = wire.type_url;
        }
        event.data_kind = DataKind::binary;
        event.data = wire.data_bytes;
        return true;
      case WireEvent::Data::text: break;
    }
    const std::string_view text = wire.data_bytes;
    const bool json_type =
        !event.datacontenttype.empty() && attribute_rules::is_json_content_type(event.datacontenttype);
    if (json_type) {
      // What CloudEvents SDKs put in text_data under a JSON type: the JSON text, kept as it is
      // (simdjson checks its UTF-8 on the way; the whitespace trimmed off is ASCII).
      const std::string_view json = json_text::trim(text);
      if (!json.empty() && is_valid_json(json)) {
        event.data_kind = DataKind::json;
        event.data = json;
        return true;
      }
    }
    if (!is_utf8(text)) return cursor_.fail("text_data is not valid UTF-8");
    if (!event.datacontenttype.empty() && !json_type) {
      // Under a non-JSON type the text is the content itself (json-format.md 3.1.2).
      event.data_kind = DataKind::binary;
      event.data = text;
      return true;
    }
    event.data_kind = DataKind::json;
    // No type, or not valid JSON under a JSON type: carried as a JSON string rather than refused.
    // Filters parse JSON data in place (cloud_event_decoder.hpp), so the copy keeps the padding.
    scratch_.clear();
    append_json_string(scratch_, text);
    char* copy = batch_.arena.allocate(scratch_.size() + kInputPadding);
    std::memcpy(copy, scratch_.data(), scratch_.size());
    std::memset(copy + scratch_.size(), ' ', kInputPadding);
    event.data = std::string_view(copy, scratch_.size());
    return true;
  }

  // The text is checked in a padded copy: in the body other protobuf bytes follow it, and On
  // Demand reads past the end of a truncated document into whatever follows (found by fuzzing).
  // Its problems are not reported (such text is carried as a string), so a cursor of its own.
  bool is_valid_json(std::string_view json) {
    json_scratch_.assign(json);
    json_scratch_.append(kInputPadding, ' ');
    const std::string_view copy(json_scratch_.data(), json.size());
    json_cursor_.start_body(copy);
    const bool valid = json_checker_.check_document(parser_, copy);
    json_cursor_.end_document();
    return valid;
  }

  IngressBatch& batch_;
  const DecodeOptions& options_;
  od::parser& parser_;
  Cursor& cursor_;
  Cursor json_cursor_;
  JsonChecker json_checker_;
  std::string json_scratch_;
  std::string_view body_;
  std::vector<MapEntry> entries_;
  std::vector<std::string_view> extension_names_;
  std::string scratch_;
};

}  // namespace

std::optional<BatchOutcome> read_protobuf_batch(IngressBatch& batch, const DecodeOptions& options, od::parser& parser,
                                                Cursor& cursor, bool& limit_exceeded) {
  ProtobufEventReader reader(batch, options, parser, cursor);
  return reader.read(limit_exceeded);
}

}  // namespace sluice::decode
