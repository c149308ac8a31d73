#pragma once

// Test data for the search frontend: blocks of small traces whose start times tell the
// blocks apart, so tests can aim windows and limits at particular blocks.

#include <cstdint>

#include "backend/raw_backend.h"
#include "blocklist/blocklist.h"

namespace vivace::frontend {

// Writes `blocks` blocks of tenant "t" to `backend` and adds them to `blocklist`. Block b
// holds `traces` traces of 3 spans, service "block-<b>", starting at base_s + b * 1000 + i
// seconds; row groups of 8 KiB so that each block has several. Seeds run from 1 across blocks.
// Fails the calling test (gtest assertions) when a block cannot be written.
void WriteTimedBlocks(backend::RawBackend* backend, blocklist::Blocklist* blocklist, int blocks,
                      int traces, uint64_t base_s);

}  // namespace vivace::frontend
