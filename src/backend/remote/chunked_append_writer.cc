#include "backend/remote/chunked_append_writer.h"

#include <algorithm>

#include <fmt/format.h>

namespace vivace::backend::remote {

ChunkedAppendWriter::ChunkedAppendWriter(std::string_view store, std::string key,
                                         uint64_t chunk_size)
    : store_(store), key_(std::move(key)), chunk_size_(std::max<uint64_t>(chunk_size, 1)) {}

Status ChunkedAppendWriter::Append(ByteView data) {
  if (closed_) {
    return Status::FailedPrecondition(fmt::format("{}: append to closed object {}", store_, key_));
  }
  if (!error_.ok()) {
    return error_;
  }
  while (data.size() > 0) {
    const size_t n = std::min<size_t>(data.size(), chunk_size_ - buffer_.size());
    buffer_.append(reinterpret_cast<const char*>(data.data()), n);
    data = ByteView(data.data() + n, data.size() - n);
    if (buffer_.size() >= chunk_size_) {
      if (Status s = SendChunk(ByteView(buffer_)); !s.ok()) {
        error_ = s;
        return s;
      }
      ++chunks_sent_;
      buffer_.clear();
    }
  }
  return Status::Ok();
}

Status ChunkedAppendWriter::Close() {
  if (closed_) {
    return Status::FailedPrecondition(fmt::format("{}: object {} already closed", store_, key_));
  }
  if (!error_.ok()) {
    return error_;
  }
  Status s = chunks_sent_ == 0 ? WriteWhole(ByteView(buffer_)) : Finish(ByteView(buffer_));
  closed_ = s.ok();
  return s;
}

}  // namespace vivace::backend::remote
