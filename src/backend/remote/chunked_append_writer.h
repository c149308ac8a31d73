#pragma once

// The buffering every object store's streamed upload shares (S3 multipart, Azure staged
// blocks, GCS resumable sessions): appended bytes gather into chunks of `chunk_size`, each full
// chunk goes to SendChunk (which starts the upload on first use), and Close writes an object
// that never filled a chunk in one request, or hands the bytes after the last chunk to Finish.
// The object becomes visible only when Close succeeds. A failed chunk is sticky: later calls
// return its error. A failed Finish leaves the writer open, so its destructor can abandon the
// upload.

#include <cstdint>
#include <string>
#include <string_view>

#include "backend/raw_backend.h"

namespace vivace::backend::remote {

class ChunkedAppendWriter : public AppendWriter {
 public:
  Status Append(ByteView data) final;
  Status Close() final;

 protected:
  // `store` names the store in error messages ("s3", "azure", "gcs").
  ChunkedAppendWriter(std::string_view store, std::string key, uint64_t chunk_size);

  const std::string& key() const { return key_; }

  // Whether Close succeeded: destructors abandon uploads that did not complete.
  bool closed() const { return closed_; }

  // Sends the next full chunk.
  virtual Status SendChunk(ByteView chunk) = 0;
  // Completes an upload of which at least one chunk was sent; `rest` may be empty.
  virtual Status Finish(ByteView rest) = 0;
  // Writes an object smaller than one chunk in one request.
  virtual Status WriteWhole(ByteView data) = 0;

 private:
  std::string_view store_;
  std::string key_;
  uint64_t chunk_size_;
  std::string buffer_;
  uint64_t chunks_sent_ = 0;
  Status error_;
  bool closed_ = false;
};

}  // namespace vivace::backend::remote
