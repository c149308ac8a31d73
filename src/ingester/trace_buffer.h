#pragma once

// The framed fragments of one trace (fragments.h) in a buffer that ingest appends to and
// queries read without copying. A query holds a reference; an append to a buffer that anyone
// else holds copies it first (copy on write), so what a query holds never changes under it.
// Every buffer gets a new serial number when it is created or copied, and is only ever
// appended to: (serial, size) names its content exactly, which is what the search side keys
// its columnar view of recent traces on (search/recent_columnar.h).

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "ingester/fragments.h"

namespace vivace::ingester {

struct TraceBuffer {
  uint64_t serial = 0;
  std::string data;  // framed fragments
};

// What queries hold.
using TraceBufferRef = std::shared_ptr<const TraceBuffer>;

// Owner side: the buffer of a live trace or of a trace in the head block. Not thread-safe:
// the owner's lock guards it (handing out references included).
class OwnedTraceBuffer {
 public:
  size_t size() const { return buf_ ? buf_->data.size() : 0; }

  bool empty() const { return size() == 0; }

  TraceBufferRef ref() const { return buf_; }

  const TraceBuffer* get() const { return buf_.get(); }

  const std::string& data() const;

  // Appends one fragment, framed.
  void AppendFragment(ByteView fragment);
  // Appends already framed fragments.
  void AppendFramed(ByteView framed);
  // Gives back spare capacity (only when no query holds the buffer).
  void Shrink();

 private:
  // Makes buf_ safe to modify with room for `extra` more bytes: copies it unless this is the
  // only reference.
  std::string& Writable(size_t extra);

  std::shared_ptr<TraceBuffer> buf_;
};

}  // namespace vivace::ingester
