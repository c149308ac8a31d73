#include "ingester/trace_buffer.h"

#include <algorithm>

namespace vivace::ingester {
namespace {

std::atomic<uint64_t> next_serial{1};

std::shared_ptr<TraceBuffer> NewBuffer(size_t capacity) {
  auto b = std::make_shared<TraceBuffer>();
  b->serial = next_serial.fetch_add(1, std::memory_order_relaxed);
  b->data.reserve(capacity);
  return b;
}

}  // namespace

const std::string& OwnedTraceBuffer::data() const {
  static const std::string kEmpty;
  return buf_ ? buf_->data : kEmpty;
}

std::string& OwnedTraceBuffer::Writable(size_t extra) {
  size_t needed = size() + extra;
  if (!buf_) {
    buf_ = NewBuffer(needed);
    return buf_->data;
  }
  if (buf_.use_count() != 1) {
    // A query holds the current content: leave it to the query, write to a copy.
    auto copy = NewBuffer(needed);
    copy->data.append(buf_->data);
    buf_ = std::move(copy);
    return buf_->data;
  }
  // The last query that held the buffer dropped its reference (a release); see its reads
  // before writing.
  std::atomic_thread_fence(std::memory_order_acquire);
  std::string& d = buf_->data;
  if (needed > d.capacity()) {
    // Grow by a quarter rather than double: live-trace memory is what the RSS budget is for.
    d.reserve(std::max(needed, d.size() + d.size() / 4));
  }
  return d;
}

void OwnedTraceBuffer::AppendFragment(ByteView fragment) {
  ingester::AppendFramed(Writable(fragment.size() + 4), fragment);
}

void OwnedTraceBuffer::AppendFramed(ByteView framed) {
  Writable(framed.size()).append(reinterpret_cast<const char*>(framed.data()), framed.size());
}

void OwnedTraceBuffer::Shrink() {
  if (buf_ && buf_.use_count() == 1) {
    std::atomic_thread_fence(std::memory_order_acquire);
    buf_->data.shrink_to_fit();
  }
}

}  // namespace vivace::ingester
