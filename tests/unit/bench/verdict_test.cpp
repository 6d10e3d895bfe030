// The run's verdict: a verifier that fell behind retention must not report a loss it cannot
// prove, nor hide one it can.

#include "verdict.hpp"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

VerifyResult verified(std::uint64_t missing, std::uint64_t deleted_unread) {
  VerifyResult result;
  result.acked = 1000;
  result.seen = 1000 - missing;
  result.missing = missing;
  result.skipped_offsets = deleted_unread;
  return result;
}

TEST(Verdict, EveryAcknowledgedEventSeenIsOk) {
  const Verdict verdict = judge("", 1000, verified(0, 0), "Kafka topic t");
  EXPECT_EQ(verdict.exit_code, kExitOk);
  EXPECT_EQ(verdict.text, "OK: every acknowledged event is in Kafka topic t");
}

TEST(Verdict, RetentionAfterEverythingWasSeenIsStillOk) {
  EXPECT_EQ(judge("", 1000, verified(0, 500), "t").exit_code, kExitOk);
}

TEST(Verdict, MissingWithNothingDeletedIsALoss) {
  const Verdict verdict = judge("", 1000, verified(3, 0), "Kafka topic t");
  EXPECT_EQ(verdict.exit_code, kExitLoss);
  EXPECT_EQ(verdict.text, "LOSS: 3 acknowledged events missing from Kafka topic t");
}

TEST(Verdict, MissingNoMoreThanTheDeletedIsInconclusive) {
  for (const std::uint64_t missing : {1u, 400u}) {
    const Verdict verdict = judge("", 1000, verified(missing, 400), "t");
    EXPECT_EQ(verdict.exit_code, kExitInconclusive) << missing;
    EXPECT_NE(verdict.text.find("INCONCLUSIVE"), std::string::npos) << verdict.text;
    EXPECT_NE(verdict.text.find("400 messages were deleted by retention"), std::string::npos) << verdict.text;
  }
}

TEST(Verdict, MissingBeyondTheDeletedIsALossOfAtLeastTheDifference) {
  const Verdict verdict = judge("", 1000, verified(401, 400), "t");
  EXPECT_EQ(verdict.exit_code, kExitLoss);
  EXPECT_NE(verdict.text.find("LOSS: 401 acknowledged events missing"), std::string::npos) << verdict.text;
  EXPECT_NE(verdict.text.find("at least 1 for certain"), std::string::npos) << verdict.text;
}

TEST(Verdict, AFailedRunOrNothingAcknowledgedIsAFailure) {
  EXPECT_EQ(judge("connect: refused", 0, std::nullopt, "").text, "FAILED: connect: refused");
  EXPECT_EQ(judge("connect: refused", 0, std::nullopt, "").exit_code, kExitFailed);
  EXPECT_EQ(judge("", 0, verified(0, 0), "t").exit_code, kExitFailed);
}

TEST(Verdict, WithoutAVerifierTheRunIsOkButSaysSo) {
  const Verdict verdict = judge("", 10, std::nullopt, "");
  EXPECT_EQ(verdict.exit_code, kExitOk);
  EXPECT_EQ(verdict.text, "OK (not verified)");
}

}  // namespace
}  // namespace sluice::bench
