#include "compactor/compactor.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/logging.h"
#include "compactor/journal.h"
#include "compactor/merge.h"
#include "compactor/metrics.h"

namespace vivace::compactor {

namespace {

constexpr std::string_view kJournalDir = "vivace-compaction";
int64_t Seconds(Duration d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

}  // namespace

std::string JournalKey(std::string_view tenant, const backend::BlockId& output) {
  return backend::JoinKey({tenant, kJournalDir, output.ToString() + ".json"});
}

Compactor::Compactor(backend::BlockStore* store, blocklist::Blocklist* blocklist,
                     const overrides::Overrides* overrides, CompactorOptions options,
                     const Clock& clock)
    : store_(store),
      blocklist_(blocklist),
      overrides_(overrides),
      options_(std::move(options)),
      clock_(clock) {}

Compactor::~Compactor() { Stop(); }

std::vector<CompactionJob> Compactor::PendingJobs(const std::string& tenant) const {
  auto blocks = blocklist_->Blocks(tenant);
  SelectorOptions sel = options_.selector;
  auto limits = overrides_->ForTenant(tenant);
  if (limits->compaction_compaction_window.count() > 0) {
    sel.window_seconds = Seconds(limits->compaction_compaction_window);
  }
  BlockSelector selector(blocks->metas, sel, clock_.NowNanos() / 1'000'000'000);
  std::vector<CompactionJob> jobs;
  for (CompactionJob job = selector.Next(); !job.inputs.empty(); job = selector.Next()) {
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Status Compactor::ResolveJournals(const std::string& tenant, bool all, CycleStats* stats) {
  const std::string dir = backend::JoinKey({tenant, kJournalDir});
  VV_ASSIGN_OR_RETURN(std::vector<std::string> names, store_->raw().List(dir));
  const int64_t now_s = clock_.NowNanos() / 1'000'000'000;
  for (const std::string& name : names) {
    const std::string key = backend::JoinKey({dir, name});
    auto text = store_->raw().Read(key);
    if (!text.ok()) {
      if (text.status().code() == Code::kNotFound) {
        continue;  // resolved meanwhile
      }
      return text.status();
    }
    auto journal = DecodeJournal(*text);
    if (!journal.ok()) {
      VV_ERROR("deleting unreadable compaction journal", {"tenant", tenant}, {"key", key},
               {"err", journal.status()});
      VV_RETURN_IF_ERROR(store_->raw().Delete(key));
      continue;
    }
    if (!all && now_s - journal->started_unix_s < Seconds(options_.abandoned_job_age)) {
      continue;  // maybe another compactor's job in progress
    }
    auto out = store_->ReadBlockMeta(tenant, journal->output);
    std::vector<backend::BlockMeta> added;
    std::vector<backend::BlockId> compacted;
    if (out.ok()) {
      // The output is complete: finish the job.
      for (const backend::BlockId& in : journal->inputs) {
        Status s = store_->MarkBlockCompacted(tenant, in);
        if (s.ok()) {
          compacted.push_back(in);
        } else if (s.code() != Code::kNotFound) {
          return s;
        }
      }
      added.push_back(*out);
      VV_INFO("finished interrupted compaction", {"tenant", tenant},
              {"block", journal->output.ToString()}, {"inputs", journal->inputs.size()});
    } else if (out.status().code() == Code::kNotFound) {
      // No meta.json: the output never became visible; remove what was written of it.
      VV_RETURN_IF_ERROR(store_->ClearBlock(tenant, journal->output));
      VV_INFO("removed output of interrupted compaction", {"tenant", tenant},
              {"block", journal->output.ToString()});
    } else {
      return out.status();
    }
    blocklist_->Update(tenant, added, compacted, now_s, {});
    VV_RETURN_IF_ERROR(store_->raw().Delete(key));
    if (stats != nullptr) {
      ++stats->journals_resolved;
    }
  }
  return Status::Ok();
}

Status Compactor::RunJob(const std::string& tenant, const CompactionJob& job, CycleStats* stats) {
  // The blocklist may lag the bucket: make sure every input is still live.
  for (const backend::BlockMeta& in : job.inputs) {
    auto meta = store_->ReadBlockMeta(tenant, in.block_id);
    if (!meta.ok()) {
      return meta.status().WithContext("compaction input " + in.block_id.ToString());
    }
  }
  const int64_t now_s = clock_.NowNanos() / 1'000'000'000;
  Journal journal{backend::BlockId::Random(), now_s, {}};
  for (const backend::BlockMeta& in : job.inputs) {
    journal.inputs.push_back(in.block_id);
  }
  const std::string journal_key = JournalKey(tenant, journal.output);
  VV_RETURN_IF_ERROR(store_->raw().Write(journal_key, ByteView(EncodeJournal(journal))));

  MergeOptions merge;
  merge.output = options_.block;
  merge.output.tenant = tenant;
  merge.output.block_id = journal.output;
  merge.cancel = &stopping_;
  auto limits = overrides_->ForTenant(tenant);
  merge.max_bytes_per_trace = static_cast<size_t>(std::max<int64_t>(
      limits->global_max_bytes_per_trace, 0));
  const int64_t started = clock_.MonotonicNanos();
  auto merged = MergeBlocks(&store_->raw(), job.inputs, merge);
  if (!merged.ok()) {
    // Leave nothing behind: the output has no meta.json, so remove its objects and the journal.
    Status cleared = store_->ClearBlock(tenant, journal.output);
    if (cleared.ok()) {
      (void)store_->raw().Delete(journal_key);
    }
    return merged.status();
  }
  std::vector<backend::BlockId> compacted;
  Status first_error;
  for (const backend::BlockMeta& in : job.inputs) {
    Status s = store_->MarkBlockCompacted(tenant, in.block_id);
    if (s.ok() || s.code() == Code::kNotFound) {
      compacted.push_back(in.block_id);
    } else if (first_error.ok()) {
      first_error = s;  // the journal stays; the next start finishes the marking
    }
  }
  blocklist_->Update(tenant, {merged->output}, compacted, clock_.NowNanos() / 1'000'000'000, {});
  VV_RETURN_IF_ERROR(first_error);
  VV_RETURN_IF_ERROR(store_->raw().Delete(journal_key));

  const std::string level = std::to_string(merged->output.compaction_level);
  CompactionBlocksTotal().WithLabels({level}).Inc(static_cast<double>(job.inputs.size()));
  CompactionObjectsWrittenTotal().WithLabels({level}).Inc(
      static_cast<double>(merged->traces_written));
  CompactionBytesWrittenTotal().WithLabels({level}).Inc(static_cast<double>(merged->output.size));
  CompactionObjectsCombinedTotal().WithLabels({level}).Inc(
      static_cast<double>(merged->objects_combined));
  CompactionSpansCombinedTotal()
      .WithLabels({std::to_string(std::max<uint32_t>(merged->output.replication_factor, 1))})
      .Add(static_cast<double>(merged->spans_deduped));
  if (stats != nullptr) {
    ++stats->jobs;
    stats->blocks_compacted += static_cast<int>(job.inputs.size());
    stats->bytes_read += merged->bytes_read;
    stats->bytes_written += merged->output.size;
    stats->spans_read += merged->spans_read;
    stats->otlp_bytes += merged->otlp_bytes;
  }
  VV_INFO("compaction complete", {"tenant", tenant}, {"block", journal.output.ToString()},
          {"inputs", job.inputs.size()}, {"level", level}, {"traces", merged->traces_written},
          {"combined", merged->objects_combined},
          {"elapsed_ms", (clock_.MonotonicNanos() - started) / 1'000'000});
  return Status::Ok();
}

Status Compactor::CompactTenant(const std::string& tenant, CycleStats* stats) {
  if (overrides_->ForTenant(tenant)->compaction_compaction_disabled) {
    return Status::Ok();
  }
  const int64_t deadline = clock_.MonotonicNanos() + options_.max_time_per_tenant.count();
  Status first_error;
  // Re-select after every job: each one changes the tenant's block list.
  for (int guard = 0; guard < 100000 && !stopping_.load(); ++guard) {
    std::vector<CompactionJob> jobs = PendingJobs(tenant);
    if (jobs.empty() || clock_.MonotonicNanos() >= deadline) {
      size_t outstanding = 0;
      for (const auto& j : jobs) {
        outstanding += j.inputs.size();
      }
      CompactionOutstandingBlocks().WithLabels({tenant}).Set(static_cast<double>(outstanding));
      break;
    }
    Status s = RunJob(tenant, jobs.front(), stats);
    if (s.code() == Code::kCancelled) {
      break;  // shutting down; the job left nothing behind
    }
    if (!s.ok()) {
      CompactionErrorsTotal().WithLabels({}).Inc();
      VV_ERROR("compaction failed", {"tenant", tenant}, {"err", s});
      if (first_error.ok()) {
        first_error = s;
      }
      break;  // the next cycle retries with a fresh block list
    }
  }
  return first_error;
}

Status Compactor::ApplyRetention(const std::string& tenant, CycleStats* stats) {
  const int64_t now_s = clock_.NowNanos() / 1'000'000'000;
  auto limits = overrides_->ForTenant(tenant);
  const Duration retention = limits->compaction_block_retention.count() > 0
                                 ? limits->compaction_block_retention
                                 : options_.block_retention;
  auto blocks = blocklist_->Blocks(tenant);
  Status first_error;
  auto fail = [&](const Status& s, const backend::BlockId& id) {
    RetentionErrorsTotal().WithLabels({}).Inc();
    VV_ERROR("retention failed", {"tenant", tenant}, {"block", id.ToString()}, {"err", s});
    if (first_error.ok()) {
      first_error = s;
    }
  };
  std::vector<backend::BlockId> expired;
  for (const backend::BlockMeta& m : blocks->metas) {
    if (m.end_time < now_s - Seconds(retention)) {
      Status s = store_->MarkBlockCompacted(tenant, m.block_id);
      if (s.ok() || s.code() == Code::kNotFound) {
        expired.push_back(m.block_id);
        RetentionMarkedForDeletionTotal().WithLabels({}).Inc();
      } else {
        fail(s, m.block_id);
      }
    }
  }
  std::vector<backend::BlockId> cleared;
  for (const backend::CompactedBlockMeta& c : blocks->compacted) {
    if (c.compacted_time < now_s - Seconds(options_.compacted_block_retention)) {
      Status s = store_->ClearBlock(tenant, c.meta.block_id);
      if (s.ok()) {
        cleared.push_back(c.meta.block_id);
        RetentionDeletedTotal().WithLabels({}).Inc();
      } else {
        fail(s, c.meta.block_id);
      }
    }
  }
  if (!expired.empty() || !cleared.empty()) {
    blocklist_->Update(tenant, {}, expired, now_s, cleared);
    VV_INFO("retention", {"tenant", tenant}, {"marked", expired.size()},
            {"deleted", cleared.size()});
  }
  if (stats != nullptr) {
    stats->blocks_retained += static_cast<int>(expired.size());
    stats->blocks_cleared += static_cast<int>(cleared.size());
  }
  return first_error;
}

Status Compactor::RunCycle(CycleStats* stats, bool resolve_all_journals) {
  std::lock_guard<std::mutex> lock(cycle_mu_);
  CycleStats local;
  CycleStats* st = stats != nullptr ? stats : &local;
  if (options_.disabled) {
    return Status::Ok();
  }
  Status first_error;
  auto note = [&](const Status& s) {
    if (!s.ok() && first_error.ok()) {
      first_error = s;
    }
  };
  const int64_t now = clock_.MonotonicNanos();
  const bool retention_due = last_retention_ns_ == 0
                             || now - last_retention_ns_ >= options_.retention_interval.count();
  for (const std::string& tenant : blocklist_->Tenants()) {
    if (stopping_.load()) {
      break;
    }
    Status s = ResolveJournals(tenant, resolve_all_journals, st);
    if (!s.ok()) {
      CompactionErrorsTotal().WithLabels({}).Inc();
      VV_ERROR("resolving compaction journals failed", {"tenant", tenant}, {"err", s});
      note(s);
      continue;  // do not compact over an unresolved state
    }
    note(CompactTenant(tenant, st));
    if (retention_due) {
      const int64_t t0 = clock_.MonotonicNanos();
      note(ApplyRetention(tenant, st));
      RetentionDurationSeconds().WithLabels({}).Observe(
          static_cast<double>(clock_.MonotonicNanos() - t0) / 1e9);
    }
  }
  if (retention_due) {
    last_retention_ns_ = now;
  }
  const bool changed = st->jobs > 0 || st->blocks_retained > 0 || st->blocks_cleared > 0
                       || st->journals_resolved > 0;
  if (changed && after_pass_) {
    after_pass_();
  }
  return first_error;
}

void Compactor::Start() {
  if (options_.disabled) {
    return;
  }
  thread_ = std::thread([this] { Loop(); });
}

void Compactor::Loop() {
  bool first = true;
  while (true) {
    (void)RunCycle(nullptr, first);
    first = false;
    std::unique_lock<std::mutex> lock(stop_mu_);
    if (stop_cv_.wait_for(lock, options_.cycle, [this] { return stopping_flag_; })) {
      return;
    }
  }
}

void Compactor::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_flag_ = true;
  }
  stopping_.store(true);
  stop_cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

}  // namespace vivace::compactor
