#pragma once
// Text for a failed cnats call: the library's detailed last error of this thread when it has one
// (it carries the server's reason, e.g. "Authorization Violation"), else the status text.

#include <nats/nats.h>

#include <string>
#include <string_view>

namespace sluice {

inline std::string describe_nats_error(natsStatus status) {
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  if (text == nullptr || *text == '\0' || last != status) return natsStatus_GetText(status);
  std::string_view detail(text);
  // cnats prefixes its source location, "(conn.c:1905): ", which means nothing to users.
  if (detail.starts_with('(')) {
    if (const std::size_t end = detail.find("): "); end != std::string_view::npos) detail.remove_prefix(end + 3);
  }
  return std::string(detail);
}

}  // namespace sluice
