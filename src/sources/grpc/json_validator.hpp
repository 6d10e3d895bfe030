#pragma once
// A strict RFC 8259 syntax check, used only to decide how a protobuf `text_data` payload under a
// JSON datacontenttype is carried (as the JSON value itself, or as a JSON string). The pipeline's
// decoder validates the result again, so this need not name the problem, only agree with it.
//
// Pure; thread-safe. Iterative, so deep nesting cannot overflow the stack (the decoder enforces
// its own depth limit and rejects the event with its index).

#include <string_view>

namespace sluice::grpc_json {

// True when `text` is exactly one JSON value, optionally surrounded by whitespace: strings
// without raw control characters, valid escapes (surrogates paired), numbers per the grammar.
// `text` must be valid UTF-8.
bool is_valid_json(std::string_view text) noexcept;

}  // namespace sluice::grpc_json
