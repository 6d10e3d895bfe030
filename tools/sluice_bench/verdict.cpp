#include "verdict.hpp"

#include <fmt/format.h>

namespace sluice::bench {

Verdict judge(std::string_view fatal_error, std::uint64_t events_acked, const std::optional<VerifyResult>& verify,
              std::string_view target) {
  if (!fatal_error.empty()) return {kExitFailed, fmt::format("FAILED: {}", fatal_error)};
  if (verify && verify->missing > 0) {
    const std::uint64_t deleted = verify->skipped_offsets;
    if (verify->missing <= deleted) {
      return {kExitInconclusive,
              fmt::format("INCONCLUSIVE: {} acknowledged events not seen in {}, and {} messages were deleted by "
                          "retention before the verifier read them; rerun at a lower rate or with more partitions",
                          verify->missing, target, deleted)};
    }
    std::string text = fmt::format("LOSS: {} acknowledged events missing from {}", verify->missing, target);
    if (deleted > 0) {
      text += fmt::format(" (at least {} for certain: {} messages were deleted by retention unread)",
                          verify->missing - deleted, deleted);
    }
    return {kExitLoss, std::move(text)};
  }
  if (events_acked == 0) return {kExitFailed, "FAILED: no event was acknowledged"};
  if (verify) return {kExitOk, fmt::format("OK: every acknowledged event is in {}", target)};
  return {kExitOk, "OK (not verified)"};
}

}  // namespace sluice::bench
