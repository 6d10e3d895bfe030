#pragma once
// Error reasons the session counts that never appear in a response body (the connection was
// closed, or the body says something more general).

#include <string_view>

namespace sluice::session_error {

inline constexpr std::string_view kTruncatedBody = "truncated_body";         // client closed mid-body
inline constexpr std::string_view kHeaderTimeout = "header_timeout";         // header not complete in time
inline constexpr std::string_view kAdmissionTimeout = "admission_timeout";   // overload: wait gave up (503)
inline constexpr std::string_view kTooManyConnections = "too_many_connections";  // max_connections (503)
inline constexpr std::string_view kShuttingDown = "shutting_down";           // pipeline stopping (503)
inline constexpr std::string_view kAcceptFailed = "accept_failed";           // accept() error (e.g. EMFILE)
inline constexpr std::string_view kTlsHandshakeFailed = "tls_handshake_failed";  // incl. no/wrong client cert

}  // namespace sluice::session_error
