#include "ingester/cut_traces.h"

#include <vector>

namespace vivace::ingester {

void CutTraces::Append(const model::TraceId& id, LiveTrace&& trace, int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!head_) {
    head_ = std::make_unique<Block>();
    head_->created_ns = now_ns;
  }
  bool inserted = false;
  std::string& slot = head_->traces.FindOrInsert(id, &inserted);
  head_->bytes += static_cast<int64_t>(trace.data.size());
  head_->min_seq = std::min(head_->min_seq, trace.first_seq);
  if (inserted) {
    slot = std::move(trace.data);
    slot.shrink_to_fit();
  } else {
    slot += trace.data;  // the trace was cut before and received more spans since
  }
}

int CutTraces::Maintain(int64_t now_ns, bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  int cut = 0;
  if (head_ && (force || head_->bytes >= options_.max_block_bytes ||
                now_ns - head_->created_ns >= options_.max_block_duration_ns)) {
    head_->completed_ns = now_ns;
    complete_bytes_ += head_->bytes;
    complete_.push_back(std::move(head_));
    head_.reset();
    ++cut;
  }
  int64_t head_bytes = head_ ? head_->bytes : 0;
  while (!complete_.empty() &&
         (now_ns - complete_.front()->completed_ns >= options_.complete_block_timeout_ns ||
          complete_bytes_ + head_bytes > options_.memory_budget_bytes)) {
    complete_bytes_ -= complete_.front()->bytes;
    dropped_min_seq_ = std::min(dropped_min_seq_, complete_.front()->min_seq);
    complete_.pop_front();
  }
  return cut;
}

bool CutTraces::Find(const model::TraceId& id, std::string* out) const {
  std::vector<std::shared_ptr<const Block>> blocks;
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    blocks.assign(complete_.begin(), complete_.end());
    if (head_) {
      if (const std::string* t = head_->traces.Find(id)) {
        out->append(*t);
        found = true;
      }
    }
  }
  // Complete blocks are immutable: search them without the lock.
  for (const auto& b : blocks) {
    if (const std::string* t = b->traces.Find(id)) {
      out->append(*t);
      found = true;
    }
  }
  return found;
}

int64_t CutTraces::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return complete_bytes_ + (head_ ? head_->bytes : 0);
}

uint64_t CutTraces::min_unflushed_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t m = dropped_min_seq_;
  if (head_) {
    m = std::min(m, head_->min_seq);
  }
  for (const auto& b : complete_) {
    m = std::min(m, b->min_seq);
  }
  return m;
}

size_t CutTraces::complete_blocks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return complete_.size();
}

}  // namespace vivace::ingester
