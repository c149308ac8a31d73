#pragma once

// What a vivace-cli command runs with: its parsed line, the output streams, the backend (opened
// on first use), progress reporting on stderr, and the lookups every block command shares
// (tenant, block ID, trace ID, block meta). Single-threaded.

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "backend/block_id.h"
#include "backend/block_meta.h"
#include "backend/block_store.h"
#include "backend/raw_backend.h"
#include "block/inspect.h"
#include "cli/args.h"
#include "common/status.h"
#include "model/trace_id.h"

namespace vivace::cli {

// A block's meta, from meta.json or, for a retired block, meta.compacted.json.
struct BlockInfo {
  backend::BlockMeta meta;
  bool compacted = false;
  int64_t compacted_time = 0;  // unix seconds; 0 when unknown
};

class Context {
 public:
  Context(const ParsedArgs& line, std::ostream& out, std::ostream& err, bool err_is_tty)
      : line_(line), out_(out), err_(err), err_is_tty_(err_is_tty) {}

  const ParsedArgs& flags() const { return line_; }

  // The i-th positional argument. REQUIRES: the command declared it.
  const std::string& arg(size_t i) const { return line_.args()[i]; }

  std::ostream& out() { return out_; }

  std::ostream& err() { return err_; }

  // The store over the backend chosen by the backend flags; opened on the first call.
  Result<backend::BlockStore*> Store();

  // REQUIRES: Store() succeeded.
  backend::RawBackend& raw() { return *raw_; }

  // Reports "label: row group i/n" on stderr: rewritten in place on a terminal, else a line per
  // tenth of the work. Silent with --quiet.
  block::InspectProgress Progress(std::string label);

  void Warn(std::string_view message) { err_ << "warning: " << message << '\n'; }

  // NotFound "unknown tenant ..." unless the bucket has the tenant.
  Status CheckTenant(std::string_view tenant);
  // Reads meta.json, else meta.compacted.json. NotFound naming the block when it has neither.
  Result<BlockInfo> LoadBlock(std::string_view tenant, const backend::BlockId& id);

 private:
  const ParsedArgs& line_;
  std::ostream& out_;
  std::ostream& err_;
  bool err_is_tty_;
  std::unique_ptr<backend::RawBackend> raw_;
  std::unique_ptr<backend::BlockStore> store_;
};

// Oldest first: by start time, then end time, then ID (the order `list blocks` prints).
bool StartsBefore(const BlockInfo& a, const BlockInfo& b);

// InvalidArgument with the expected form when `text` is not a block UUID / trace ID.
Result<backend::BlockId> ParseBlockIdArg(std::string_view text);
Result<model::TraceId> ParseTraceIdArg(std::string_view text);

// Every block of a tenant, live first then (with include_compacted) compacted, each with its
// meta; blocks whose meta does not read are reported through `warn` and skipped (and counted).
struct TenantBlocks {
  std::vector<BlockInfo> blocks;
  size_t hidden_compacted = 0;  // compacted blocks left out
  size_t unreadable = 0;
};

Result<TenantBlocks> LoadTenantBlocks(Context& ctx, std::string_view tenant,
                                      bool include_compacted);

}  // namespace vivace::cli
