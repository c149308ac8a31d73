// `list compaction-summary`: a tenant's live blocks by compaction level and by compaction
// window, and the jobs the compactor's selector would run next (outstanding work).

#include <map>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/format.h"
#include "common/duration.h"
#include "compactor/block_selector.h"

namespace vivace::cli {

namespace {

std::string Count(uint64_t n) { return fmt::format("{}", n); }

}  // namespace

Status ListCompactionSummary(Context& ctx) {
  VV_ASSIGN_OR_RETURN(Duration window, ParseDuration(ctx.flags().Get("compaction-window", "1h")));
  const int64_t window_s = std::chrono::duration_cast<std::chrono::seconds>(window).count();
  if (window_s <= 0) {
    return Status::InvalidArgument("--compaction-window must be at least 1s");
  }
  VV_ASSIGN_OR_RETURN(TenantBlocks found, LoadTenantBlocks(ctx, ctx.arg(0), false));

  struct Totals {
    size_t blocks = 0;
    uint64_t traces = 0;
    uint64_t bytes = 0;
    int64_t earliest = 0;
    int64_t latest = 0;
  };

  auto add = [](Totals& t, const backend::BlockMeta& m) {
    t.earliest = t.blocks == 0 ? m.start_time : std::min(t.earliest, m.start_time);
    t.latest = t.blocks == 0 ? m.end_time : std::max(t.latest, m.end_time);
    ++t.blocks;
    t.traces += static_cast<uint64_t>(m.total_objects);
    t.bytes += m.size;
  };
  std::map<uint32_t, Totals> by_level;
  std::map<int64_t, std::map<uint32_t, size_t>> by_window;  // window -> level -> blocks
  std::vector<backend::BlockMeta> metas;
  for (const BlockInfo& b : found.blocks) {
    add(by_level[b.meta.compaction_level], b.meta);
    ++by_window[b.meta.end_time / window_s][b.meta.compaction_level];
    metas.push_back(b.meta);
  }

  TextTable levels({"LVL", "BLOCKS", "TRACES", "SIZE", "EARLIEST", "LATEST"}, "rrrrll");
  for (const auto& [level, t] : by_level) {
    levels.AddRow({Count(level), Count(t.blocks), Count(t.traces), HumanBytes(t.bytes),
                   FormatUnixSeconds(t.earliest), FormatUnixSeconds(t.latest)});
  }
  levels.Print(ctx.out());

  ctx.out() << fmt::format("\nby compaction window ({}s, by block end time):\n", window_s);
  TextTable windows({"WINDOW START", "BLOCKS", "BY LEVEL"}, "lrl");
  for (const auto& [w, per_level] : by_window) {
    size_t n = 0;
    std::string levels_text;
    for (const auto& [level, count] : per_level) {
      n += count;
      levels_text += fmt::format("{}{}:{}", levels_text.empty() ? "" : " ", level, count);
    }
    windows.AddRow({FormatUnixSeconds(w * window_s), Count(n), levels_text});
  }
  windows.Print(ctx.out(), "  ");

  compactor::SelectorOptions options;
  options.window_seconds = window_s;
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  compactor::BlockSelector selector(metas, options, now);
  size_t jobs = 0;
  size_t outstanding = 0;
  for (auto job = selector.Next(); !job.inputs.empty(); job = selector.Next()) {
    ++jobs;
    outstanding += job.inputs.size();
  }
  ctx.out() << fmt::format(
      "\noutstanding: {} blocks in {} compaction jobs (time-window selector, 2-4 inputs per job)\n",
      outstanding, jobs);
  return Status::Ok();
}

}  // namespace vivace::cli
