#include "blocklist/blocklist.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "blocklist/metrics.h"

namespace vivace::blocklist {

namespace {

bool StartsBefore(const backend::BlockMeta& a, const backend::BlockMeta& b) {
  if (a.start_time != b.start_time) {
    return a.start_time < b.start_time;
  }
  return a.block_id < b.block_id;
}

}  // namespace

void SortBlocks(TenantBlocks& blocks) {
  std::sort(blocks.metas.begin(), blocks.metas.end(), StartsBefore);
  std::sort(blocks.compacted.begin(), blocks.compacted.end(),
            [](const backend::CompactedBlockMeta& a, const backend::CompactedBlockMeta& b) {
              return StartsBefore(a.meta, b.meta);
            });
}

Blocklist::Blocklist(const Clock& clock) : clock_(clock) {}

std::shared_ptr<const TenantBlocks> Blocklist::Blocks(std::string_view tenant) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tenants_.find(tenant);
    if (it != tenants_.end()) {
      return it->second;
    }
  }
  static const std::shared_ptr<const TenantBlocks> empty = std::make_shared<TenantBlocks>();
  return empty;
}

std::vector<std::string> Blocklist::Tenants() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  out.reserve(tenants_.size());
  for (const auto& [tenant, blocks] : tenants_) {
    out.push_back(tenant);
  }
  return out;
}

void Blocklist::Publish(const std::string& tenant, TenantBlocks blocks) {
  BlocklistLength().WithLabels({tenant}).Set(static_cast<double>(blocks.metas.size()));
  tenants_[tenant] = std::make_shared<const TenantBlocks>(std::move(blocks));
}

void Blocklist::AddBlock(const backend::BlockMeta& meta) {
  const std::string& tenant = meta.tenant_id;
  std::lock_guard<std::mutex> lock(mu_);
  pending_[tenant].insert_or_assign(meta.block_id, Pending{meta, clock_.NowNanos()});
  TenantBlocks next;
  if (auto it = tenants_.find(tenant); it != tenants_.end()) {
    next = *it->second;
  }
  std::erase_if(next.metas,
                [&](const backend::BlockMeta& m) { return m.block_id == meta.block_id; });
  next.metas.push_back(meta);
  SortBlocks(next);
  Publish(tenant, std::move(next));
}

void Blocklist::Update(const std::string& tenant, const std::vector<backend::BlockMeta>& added,
                       const std::vector<backend::BlockId>& compacted, int64_t compacted_unix_s,
                       const std::vector<backend::BlockId>& cleared) {
  std::lock_guard<std::mutex> lock(mu_);
  TenantBlocks next;
  if (auto it = tenants_.find(tenant); it != tenants_.end()) {
    next = *it->second;
  }
  auto& pending = pending_[tenant];
  for (const backend::BlockId& id : compacted) {
    pending.erase(id);
    auto it = std::find_if(next.metas.begin(), next.metas.end(),
                           [&](const backend::BlockMeta& m) { return m.block_id == id; });
    if (it != next.metas.end()) {
      next.compacted.push_back({*it, compacted_unix_s});
      next.metas.erase(it);
    }
  }
  for (const backend::BlockId& id : cleared) {
    pending.erase(id);
    std::erase_if(next.compacted,
                  [&](const backend::CompactedBlockMeta& c) { return c.meta.block_id == id; });
  }
  for (const backend::BlockMeta& meta : added) {
    pending.insert_or_assign(meta.block_id, Pending{meta, clock_.NowNanos()});
    std::erase_if(next.metas,
                  [&](const backend::BlockMeta& m) { return m.block_id == meta.block_id; });
    next.metas.push_back(meta);
  }
  if (pending.empty()) {
    pending_.erase(tenant);
  }
  SortBlocks(next);
  Publish(tenant, std::move(next));
}

void Blocklist::ApplyPollResult(const std::string& tenant, TenantBlocks polled,
                                int64_t as_of_nanos) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto p = pending_.find(tenant); p != pending_.end()) {
    std::unordered_set<backend::BlockId> seen;
    for (const auto& m : polled.metas) {
      seen.insert(m.block_id);
    }
    for (const auto& c : polled.compacted) {
      seen.insert(c.meta.block_id);
    }
    for (auto it = p->second.begin(); it != p->second.end();) {
      if (seen.contains(it->first) || it->second.added_at_nanos <= as_of_nanos) {
        // The poll saw it, or could have and did not (compacted and deleted since).
        it = p->second.erase(it);
        continue;
      }
      polled.metas.push_back(it->second.meta);
      ++it;
    }
    if (p->second.empty()) {
      pending_.erase(p);
    }
  }
  SortBlocks(polled);
  Publish(tenant, std::move(polled));
}

std::vector<std::string> Blocklist::RetainTenants(const std::vector<std::string>& tenants) {
  std::set<std::string_view> keep(tenants.begin(), tenants.end());
  std::vector<std::string> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = tenants_.begin(); it != tenants_.end();) {
    if (keep.contains(it->first) || pending_.contains(it->first)) {
      ++it;
      continue;
    }
    BlocklistLength().WithLabels({it->first}).Set(0);
    dropped.push_back(it->first);
    it = tenants_.erase(it);
  }
  return dropped;
}

}  // namespace vivace::blocklist
