#pragma once
// CloudEvents attributes carried in ce-* headers (binary content mode, HTTP binding §3.1.3).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

class IngressBatch;

// Decodes one header value: a double-quoted string is unescaped first (RFC 7230 §3.2.6, for
// senders of older spec versions), then one round of percent-decoding is applied; the result
// must be valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
// Returns false for a malformed value; `out` is then unspecified.
bool decode_header_value(std::string_view raw, std::string& out);

// Collects the attributes of one request while its header is checked, before the batch (and its
// arena) exists, so that a bad header is refused without reading the body. Reused across the
// requests of a connection. Not thread-safe (one per session).
class BinaryAttributes {
 public:
  void clear() noexcept;

  // Takes one header. Names not starting with "ce-" (case-insensitively) are ignored. Returns the
  // reason for a 400 when the value cannot be decoded, the name repeats, or the header is
  // ce-datacontenttype (the binding maps Content-Type instead and forbids both).
  std::optional<std::string> add_header(std::string_view name, std::string_view raw_value);
  // Content-Type becomes datacontenttype, verbatim (parameters included).
  void set_content_type(std::string_view content_type);

  std::size_t size() const noexcept { return entries_.size(); }
  std::string_view name(std::size_t i) const noexcept;
  std::string_view value(std::size_t i) const noexcept;

  // Copies every attribute into batch.arena and lists views of the copies in
  // batch.binary_attributes.
  void copy_into(IngressBatch& batch) const;

 private:
  struct Entry {
    std::size_t name_offset, name_size, value_offset, value_size;
  };
  void add(std::string_view name, std::string_view value);
  std::string storage_;  // names and values back to back; offsets survive reallocation
  std::vector<Entry> entries_;
  std::string scratch_;
};

}  // namespace sluice
