#pragma once
// An ingest protocol. A source turns protocol input into IngressBatches, asks Admission for their
// bytes first, and answers its clients through the batches' AckTokens.

#include <sluice/core/admission.hpp>
#include <sluice/core/batch.hpp>

#include <memory>
#include <string_view>

namespace sluice {

// Where sources hand batches to. Thread-safe.
class IngressPort {
 public:
  virtual ~IngressPort() = default;
  virtual Admission& admission() noexcept = 0;
  // Takes ownership; never blocks. If the pipeline is stopping the batch is answered
  // `shutting_down` at once.
  virtual void submit(std::unique_ptr<IngressBatch> batch) noexcept = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual std::string_view name() const noexcept = 0;
  // Binds its listeners. Throws std::runtime_error with one clear line when it cannot.
  virtual void start() = 0;
  // True while listening (admin /readyz).
  virtual bool ready() const noexcept = 0;
  // Graceful shutdown, step 1: stop taking new requests; requests in flight go on.
  virtual void stop_accepting() noexcept = 0;
  // Step 2, after the pipeline drained: close every connection.
  virtual void stop() noexcept = 0;
};

}  // namespace sluice
