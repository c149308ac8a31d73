#pragma once

// The commands of vivace-cli. Each runs with a Context whose positional arguments were
// checked against the command's declaration (cli.cc) and returns OK or the error to print.

#include "cli/context.h"
#include "common/status.h"

namespace vivace::cli {

// list / view (cmd_list.cc)
Status ListTenants(Context& ctx);
Status ListBlocks(Context& ctx);
Status ListBlock(Context& ctx);
Status ListIndex(Context& ctx);
Status ViewIndex(Context& ctx);
Status ListColumn(Context& ctx);
// list compaction-summary (cmd_compaction.cc)
Status ListCompactionSummary(Context& ctx);
// query blocks (cmd_query.cc)
Status QueryBlocks(Context& ctx);
// verify block / tenant (cmd_verify.cc)
Status VerifyBlockCommand(Context& ctx);
Status VerifyTenant(Context& ctx);
// dump trace (cmd_dump.cc)
Status DumpTraceCommand(Context& ctx);
// gen index (cmd_gen.cc)
Status GenIndex(Context& ctx);

}  // namespace vivace::cli
