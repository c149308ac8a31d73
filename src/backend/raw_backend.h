#pragma once

// The raw object-store interface every storage backend implements (local disk, in-memory, and
// later S3/GCS/Azure), plus key validation. It knows bytes at a key and nothing about tenants
// or blocks; BlockStore (block_store.h) is the typed layer above it, and caches and the
// instrumented wrapper sit between the two. Key layout: spec storage.md §1.
//
// Semantics are those of an object store, so that every implementation behaves alike:
//  - Keys are '/'-separated paths: "<tenant>/<blockID>/<name>", "<tenant>/index.json.gz".
//    A valid key is non-empty, relative, has no empty, "." or ".." segment and no NUL byte
//    (ValidateKey). Invalid keys fail with InvalidArgument.
//  - Objects are immutable once written: Write replaces a whole object atomically (readers see
//    the old or the new bytes, never a mix), and an Append stream becomes visible only on Close.
//  - There are no directories, only key prefixes: List shows the names one level below a
//    prefix, and a prefix without objects lists as empty, not NotFound.
//  - Nothing in the read path may rely on rename or on directories existing.
//
// Thread safety: implementations are thread-safe. An AppendWriter is used by one thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::backend {

// A streaming write of one large object (block data). The object becomes visible under its key
// only when Close() succeeds; destroying an unclosed writer abandons it.
class AppendWriter {
 public:
  AppendWriter() = default;
  AppendWriter(const AppendWriter&) = delete;
  AppendWriter& operator=(const AppendWriter&) = delete;
  AppendWriter(AppendWriter&&) = delete;
  AppendWriter& operator=(AppendWriter&&) = delete;
  virtual ~AppendWriter();

  virtual Status Append(ByteView data) = 0;
  // Publishes the object. FailedPrecondition when called twice.
  virtual Status Close() = 0;
};

class RawBackend {
 public:
  RawBackend() = default;
  RawBackend(const RawBackend&) = delete;
  RawBackend& operator=(const RawBackend&) = delete;
  RawBackend(RawBackend&&) = delete;
  RawBackend& operator=(RawBackend&&) = delete;
  virtual ~RawBackend() = default;

  // The whole object. NotFound when absent.
  virtual Result<std::string> Read(std::string_view key) = 0;
  // `length` bytes from `offset`. NotFound when absent; OutOfRange when the range ends past the
  // end of the object (a zero-length range at the very end is allowed).
  virtual Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) = 0;
  // Size in bytes. NotFound when absent.
  virtual Result<uint64_t> Size(std::string_view key) = 0;
  // Creates or replaces the object atomically; once OK, it survives a crash.
  virtual Status Write(std::string_view key, ByteView data) = 0;
  // Starts a streaming write of the object at `key`.
  virtual Result<std::unique_ptr<AppendWriter>> Append(std::string_view key) = 0;
  // The distinct names one level below `prefix` ("" = the root), sorted: for "t/b" with
  // objects "t/b/meta.json" and "t/b/x/y", returns {"meta.json", "x"}.
  virtual Result<std::vector<std::string>> List(std::string_view prefix) = 0;
  // Removes the object. Deleting an absent key is OK.
  virtual Status Delete(std::string_view key) = 0;
};

// OK when `key` is a valid object key (see above), else InvalidArgument naming it.
Status ValidateKey(std::string_view key);
// Like ValidateKey, but "" (the root) is allowed too.
Status ValidatePrefix(std::string_view prefix);

// Joins key segments with '/': JoinKey({"t", "b", "meta.json"}) == "t/b/meta.json".
std::string JoinKey(std::initializer_list<std::string_view> parts);

// OutOfRange unless [offset, offset+length) lies within an object of `size` bytes.
Status CheckRange(std::string_view key, uint64_t offset, uint64_t length, uint64_t size);

}  // namespace vivace::backend
