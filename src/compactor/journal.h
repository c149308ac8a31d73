#pragma once

// The compaction journal (docs/compaction.md): a small text object a job writes before its
// output, naming the output and inputs, so a compactor that restarts can finish or undo the job.
// Lines: the magic, "output <id>", "started <unix s>", then one "input <id>" per input.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backend/block_id.h"
#include "common/status.h"

namespace vivace::compactor {

struct Journal {
  backend::BlockId output;
  int64_t started_unix_s = 0;
  std::vector<backend::BlockId> inputs;
  friend bool operator==(const Journal&, const Journal&) = default;
};

std::string EncodeJournal(const Journal& j);
// DataLoss naming the problem when `text` is not a whole journal.
Result<Journal> DecodeJournal(std::string_view text);

}  // namespace vivace::compactor
