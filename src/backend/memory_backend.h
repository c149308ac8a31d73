#pragma once

// InMemoryBackend: a RawBackend over a map, for tests and for tools that need a scratch bucket.
// Passes the same conformance suite as LocalBackend (raw_backend_conformance_test.cc).
// Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "backend/raw_backend.h"

namespace vivace::backend {

class InMemoryBackend final : public RawBackend {
 public:
  InMemoryBackend() = default;

  Result<std::string> Read(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<uint64_t> Size(std::string_view key) override;
  Status Write(std::string_view key, ByteView data) override;
  Result<std::unique_ptr<AppendWriter>> Append(std::string_view key) override;
  Result<std::vector<std::string>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;

  // Number of objects stored.
  size_t ObjectCountForTesting() const;

 private:
  using Object = std::shared_ptr<const std::string>;
  Result<Object> Get(std::string_view key) const;
  void Put(std::string_view key, std::string data);

  mutable std::mutex mu_;
  std::map<std::string, Object, std::less<>> objects_;  // guarded by mu_
};

}  // namespace vivace::backend
