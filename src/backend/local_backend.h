#pragma once

// LocalBackend: the RawBackend of `storage.trace.backend: local`, objects as files under
// `storage.trace.local.path` (`<root>/<tenant>/<blockID>/<name>`, the same tree Tempo uses).
//
// Durability: Write and Append fill a temporary file in the object's directory (named with
// kTempObjectPrefix, hidden from List), fsync it, rename it over the key and fsync the
// directory, so a completed Write survives a crash and readers never see a partial object.
// New directories are fsynced into their parents. Delete removes the file and then any parent
// directories it left empty, so an empty prefix disappears as it would in an object store.
// Temporary files left by a crash are never listed; RemoveTempFiles() sweeps them. One
// difference from an object store remains: while an Append is open, List of the parent's
// parent already shows the object's directory (it holds only the hidden temporary file).
//
// Thread-safe: concurrent writers of one key each publish a complete object (last rename
// wins); a reader holding an open file keeps reading the version it opened.

#include <string>

#include "backend/raw_backend.h"

namespace vivace::backend {

class LocalBackend final : public RawBackend {
 public:
  // `root` need not exist yet; it is created by the first write.
  explicit LocalBackend(std::string root);

  Result<std::string> Read(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<uint64_t> Size(std::string_view key) override;
  Status Write(std::string_view key, ByteView data) override;
  Result<std::unique_ptr<AppendWriter>> Append(std::string_view key) override;
  Result<std::vector<std::string>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;

  // Deletes temporary files (of writes interrupted by a crash) under `prefix`, recursively.
  // Only call it when no write is in flight under that prefix (e.g. at startup).
  Status RemoveTempFiles(std::string_view prefix = "");

  const std::string& root() const { return root_; }

 private:
  std::string PathOf(std::string_view key) const;
  // Creates the directories of `key`'s parent path, fsyncing each new one into its parent.
  Status MakeParentDirs(std::string_view key);
  // Removes the now-empty directories between `key`'s parent and the root.
  void PruneEmptyDirs(std::string_view key);
  // Opens a new temporary file beside `key`; sets `tmp_path`.
  Result<int> CreateTemp(std::string_view key, std::string* tmp_path);
  // Renames `tmp_path` over `key` and fsyncs the directory.
  Status Publish(std::string_view key, const std::string& tmp_path);

  friend class LocalAppendWriter;
  std::string root_;
};

}  // namespace vivace::backend
