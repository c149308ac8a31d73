#pragma once

// Where the distributor sends regrouped traces: in monolithic mode the ingester (live traces,
// then WAL and blocks); in microservices mode a client for a remote ingester or a Kafka writer.

#include <functional>
#include <string>

#include "common/status.h"
#include "model/regroup.h"

namespace vivace::distributor {

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // Takes the batch. Calls `done` exactly once, when the traces are acknowledged (for the
  // durable ingester: on disk), with OK or the reason they were not accepted.
  virtual void PushTraces(const std::string& tenant, model::RegroupedBatch batch,
                          std::function<void(Status)> done) = 0;
};

}  // namespace vivace::distributor
