#pragma once
// A batch of `records` records for one sink queue, already delivering, as the pipeline hands them
// to sinks: for tests of the sink side (SinkQueue, WaitingRoom) without a pipeline.

#include <sluice/core/batch.hpp>
#include <sluice/core/sink_queue.hpp>

#include "support/recording_token.hpp"

#include <memory>
#include <vector>

namespace sluice::testing {

struct RecordsInDelivery {
  std::shared_ptr<OutcomeSlot> slot = std::make_shared<OutcomeSlot>();
  IngressBatch* batch;  // deleted when its last record is resolved
  std::vector<OutRecord*> pointers;

  RecordsInDelivery(SinkQueue& queue, std::size_t records, std::uint32_t bytes_each) {
    batch = new IngressBatch("test", ContentMode::batch, PaddedBuffer::copy_of("[]"),
                             std::make_unique<RecordingToken>(slot), AdmissionLease{});
    batch->events.resize(records);
    batch->records.resize(records);
    for (auto& record : batch->records) {
      record.batch = batch;
      record.sink = &queue;
      record.bytes = bytes_each;
      pointers.push_back(&record);
    }
    batch->start_delivery();
  }
};

}  // namespace sluice::testing
