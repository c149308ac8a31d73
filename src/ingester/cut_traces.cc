#include "ingester/cut_traces.h"

#include <algorithm>

namespace vivace::ingester {

void CutTraces::Append(const model::TraceId& id, LiveTrace&& trace, int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!head_) {
    head_ = std::make_unique<Block>();
    head_->created_ns = now_ns;
  }
  bool inserted = false;
  OwnedTraceBuffer& slot = head_->traces.FindOrInsert(id, &inserted);
  head_->bytes += static_cast<int64_t>(trace.data.size());
  head_->min_seq = std::min(head_->min_seq, trace.first_seq);
  if (inserted) {
    slot = std::move(trace.data);  // the same buffer: queries' columnar views stay valid
    slot.Shrink();
  } else {
    // The trace was cut before and received more spans since.
    slot.AppendFramed(ByteView(trace.data.data()));
  }
}

std::shared_ptr<const CutTraces::Block> CutTraces::CutHead(int64_t now_ns, bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!head_
      || !(force || head_->bytes >= options_.max_block_bytes
           || now_ns - head_->created_ns >= options_.max_block_duration_ns)) {
    return nullptr;
  }
  head_->completed_ns = now_ns;
  complete_bytes_ += head_->bytes;
  std::shared_ptr<const Block> block = std::move(head_);
  head_.reset();
  complete_.push_back(block);
  return block;
}

void CutTraces::MarkFlushed(const Block* block, std::shared_ptr<block::BlockReader> reader,
                            int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::find_if(complete_.begin(), complete_.end(),
                         [block](const auto& b) { return b.get() == block; });
  if (it == complete_.end()) {
    return;
  }
  complete_bytes_ -= (*it)->bytes;
  complete_.erase(it);  // queries holding the block keep it alive until they finish
  flushed_.push_back({std::move(reader), now_ns});
}

int CutTraces::ExpireFlushed(int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  auto keep = std::find_if(flushed_.begin(), flushed_.end(), [&](const FlushedBlock& b) {
    return now_ns - b.flushed_ns < options_.complete_block_timeout_ns;
  });
  int n = static_cast<int>(keep - flushed_.begin());
  flushed_.erase(flushed_.begin(), keep);
  return n;
}

bool CutTraces::FindInMemory(const model::TraceId& id, std::string* out) const {
  std::vector<std::shared_ptr<const Block>> blocks;
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    blocks = complete_;
    if (head_) {
      if (const OwnedTraceBuffer* t = head_->traces.Find(id)) {
        out->append(t->data());
        found = true;
      }
    }
  }
  // Complete blocks are immutable: search them without the lock.
  for (const auto& b : blocks) {
    if (const OwnedTraceBuffer* t = b->traces.Find(id)) {
      out->append(t->data());
      found = true;
    }
  }
  return found;
}

void CutTraces::SnapshotInMemory(std::vector<std::pair<model::TraceId, TraceBufferRef>>* head,
                                 std::vector<std::shared_ptr<const Block>>* complete) const {
  std::lock_guard<std::mutex> lock(mu_);
  complete->insert(complete->end(), complete_.begin(), complete_.end());
  if (head_) {
    head->reserve(head->size() + head_->traces.size());
    head_->traces.ForEach([head](const model::TraceId& id, const OwnedTraceBuffer& data) {
      head->emplace_back(id, data.ref());
    });
  }
}

std::vector<std::shared_ptr<block::BlockReader>> CutTraces::FlushedBlocks() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<block::BlockReader>> out;
  out.reserve(flushed_.size());
  for (const auto& b : flushed_) {
    out.push_back(b.reader);
  }
  return out;
}

int64_t CutTraces::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return complete_bytes_ + (head_ ? head_->bytes : 0);
}

int64_t CutTraces::head_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return head_ ? head_->bytes : 0;
}

int64_t CutTraces::unflushed_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return complete_bytes_;
}

size_t CutTraces::unflushed_blocks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return complete_.size();
}

size_t CutTraces::flushed_blocks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return flushed_.size();
}

uint64_t CutTraces::min_unflushed_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t m = head_ ? head_->min_seq : UINT64_MAX;
  for (const auto& b : complete_) {
    m = std::min(m, b->min_seq);
  }
  return m;
}

}  // namespace vivace::ingester
