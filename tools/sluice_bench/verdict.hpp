#pragma once
// The run's verdict and exit status, from what the load and the verifier saw.
//
// A verifier that fell behind the topic's retention (the mock cluster keeps ~5 MiB per partition)
// cannot tell a lost event from one deleted before it was read. So missing events are a proven
// LOSS (exit 1) only beyond the number of messages deleted unread; up to that number the run is
// INCONCLUSIVE (exit 5), which says to rerun slower or with more partitions rather than report a
// loss sluice may not have caused.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kafka_verifier.hpp"

namespace sluice::bench {

inline constexpr int kExitOk = 0;
inline constexpr int kExitLoss = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailed = 3;
inline constexpr int kExitInconclusive = 5;  // 4 is the bench scenarios' own "could not set up"

struct Verdict {
  int exit_code = kExitOk;
  std::string text;
};

// `fatal_error`: why the load could not run (empty if it ran); `verify`: the verifier's result, if
// one ran against `target`.
Verdict judge(std::string_view fatal_error, std::uint64_t events_acked, const std::optional<VerifyResult>& verify,
              std::string_view target);

}  // namespace sluice::bench
