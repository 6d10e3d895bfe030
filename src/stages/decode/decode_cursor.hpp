#pragma once
// Internal to the decoder: where decoding stands (body, current document) and the client-facing
// message of the first problem found. One per decoder; not thread-safe.

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::decode {

namespace od = simdjson::ondemand;

class Cursor {
 public:
  // A new request body; forgets the document and any problem.
  void start_body(std::string_view body) noexcept;
  bool in_body(std::string_view text) const noexcept;

  // Starts On Demand over `text`, which lies in the body: the rest of the body and its padding are
  // the slack simdjson may read past the end, so nothing is copied.
  bool start_document(od::parser& parser, std::string_view text, od::document& doc);
  void end_document() noexcept { doc_ = nullptr; }
  const char* document_end() const noexcept { return doc_end_; }
  // The start of the current document's next token, or nullptr at its end.
  const char* next_location() noexcept;

  // Both record the problem and return false, so that callers can `return cursor.fail(...)`.
  bool fail(std::string reason);
  // "malformed JSON at byte N: <what>", from `at` or else the parser's position.
  bool malformed(simdjson::error_code error, const char* at = nullptr);
  const std::string& problem() const noexcept { return problem_; }
  // True when the problem is the JSON syntax (malformed), not the event's content: the rest of
  // the current document can then no longer be read.
  bool malformed_json() const noexcept { return malformed_; }
  std::size_t offset(const char* at) const noexcept { return static_cast<std::size_t>(at - body_begin_); }

 private:
  const char* body_begin_ = nullptr;
  const char* body_end_ = nullptr;
  od::document* doc_ = nullptr;
  const char* doc_end_ = nullptr;
  std::string problem_;
  bool malformed_ = false;
};

// Client text (names, values) quoted in messages: printable ASCII, at most 64 bytes.
std::string printable(std::string_view text);

}  // namespace sluice::decode
