#include "sources/nats/dead_letter.hpp"

#include <fmt/format.h>

namespace sluice {

void CountingDeadLetters::on_rejected(natsMsg* msg, std::string_view reason) noexcept {
  shared_->metrics.core.dead_lettered.Increment();
  try {
    const char* subject = natsMsg_GetSubject(msg);
    shared_->failures.note("messages terminated (no dead-letter destination yet)",
                           fmt::format("subject '{}': {}", subject != nullptr ? subject : "", reason));
  } catch (...) {
    // Only the log line is lost; the count above stands.
  }
}

}  // namespace sluice
