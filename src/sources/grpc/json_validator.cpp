#include "sources/grpc/json_validator.hpp"

#include <cstdint>
#include <vector>

namespace sluice::grpc_json {
namespace {

class Validator {
 public:
  explicit Validator(std::string_view text) : text_(text) {}

  bool run() {
    skip_space();
    if (!value()) return false;
    skip_space();
    return at_ == text_.size();
  }

 private:
  // One value, and for containers everything up to their matching close, without recursion:
  // `open` holds the kinds of the containers entered.
  bool value() {
    std::vector<char> open;
    for (;;) {
      skip_space();
      if (at_ >= text_.size()) return false;
      const char c = text_[at_];
      if (c == '{' || c == '[') {
        ++at_;
        skip_space();
        if (at_ < text_.size() && text_[at_] == (c == '{' ? '}' : ']')) {
          ++at_;  // empty container: a complete value
        } else {
          open.push_back(c);
          if (c == '{' && !member_name()) return false;
          continue;  // its first value
        }
      } else if (!scalar()) {
        return false;
      }
      // A value is complete: close containers or move to the next element.
      for (;;) {
        if (open.empty()) return true;
        skip_space();
        if (at_ >= text_.size()) return false;
        const char next = text_[at_++];
        if (next == ',') {
          if (open.back() == '{' && !(skip_space(), member_name())) return false;
          break;
        }
        if (next != (open.back() == '{' ? '}' : ']')) return false;
        open.pop_back();
      }
    }
  }

  // `"name"` and the colon after it.
  bool member_name() {
    if (at_ >= text_.size() || text_[at_] != '"' || !string()) return false;
    skip_space();
    if (at_ >= text_.size() || text_[at_] != ':') return false;
    ++at_;
    return true;
  }

  bool scalar() {
    const char c = text_[at_];
    if (c == '"') return string();
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    return number();
  }

  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  bool number() {
    if (peek() == '-') ++at_;
    if (peek() == '0') {
      ++at_;
    } else if (!digits()) {
      return false;
    }
    if (peek() == '.') {
      ++at_;
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++at_;
      if (peek() == '+' || peek() == '-') ++at_;
      if (!digits()) return false;
    }
    return true;
  }

  bool digits() {
    const std::size_t start = at_;
    while (peek() >= '0' && peek() <= '9') ++at_;
    return at_ > start;
  }

  bool string() {
    ++at_;  // the opening quote
    while (at_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[at_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (at_ >= text_.size()) return false;
      const char escape = text_[at_++];
      switch (escape) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': break;
        case 'u': {
          std::uint32_t unit = 0;
          if (!hex4(unit)) return false;
          if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate alone
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            std::uint32_t low = 0;
            if (text_.substr(at_, 2) != "\\u") return false;
            at_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
          }
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  bool hex4(std::uint32_t& unit) {
    if (text_.size() - at_ < 4) return false;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[at_++];
      unit <<= 4;
      if (c >= '0' && c <= '9') unit |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') unit |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') unit |= static_cast<std::uint32_t>(c - 'A' + 10);
      else return false;
    }
    return true;
  }

  char peek() const noexcept { return at_ < text_.size() ? text_[at_] : '\0'; }

  void skip_space() noexcept {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++at_;
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

bool is_valid_json(std::string_view text) noexcept {
  try {
    return Validator(text).run();
  } catch (...) {  // std::bad_alloc from the container stack of absurdly deep input
    return false;
  }
}

}  // namespace sluice::grpc_json
