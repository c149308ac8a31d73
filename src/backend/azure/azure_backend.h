#pragma once

// AzureBackend: the RawBackend of `storage.trace.backend: azure` (Azure Blob Storage, and
// Azurite for development). Requests carry Shared Key signatures (shared_key.h), or a SAS token
// in their query string when no account key is configured, and go through HttpTransport with
// retries.
//
// Mapping: Read = Get Blob, ReadRange = Get Blob with x-ms-range, Size = Get Blob Properties
// (HEAD), Write = Put Blob (block blob), Append = Put Block of `buffer_size` bytes each (only the
// current block is held in memory) and Put Block List at Close, which is when the blob becomes
// visible (uncommitted blocks of an abandoned Append are discarded by the service), List =
// List Blobs with delimiter "/" and marker pagination, Delete = Delete Blob.
//
// URL: `https://<account>.<endpoint_suffix>/<container>/<blob>`; an endpoint_suffix that does
// not start with "blob." is an emulator host[:port] and gives Azurite's path style
// `http://<endpoint_suffix>/<account>/<container>/<blob>`, as in Tempo.
//
// Thread-safe.

#include <memory>
#include <string>

#include "backend/raw_backend.h"
#include "backend/remote/http_transport.h"
#include "backend/remote/retry.h"
#include "backend/remote/uri.h"

namespace vivace::backend::azure {

struct AzureOptions {
  std::string account;
  std::string account_key;  // base64
  // A shared access signature (the query string the portal or `az` gives, with or without its
  // leading '?'), used instead of Shared Key signing when account_key is empty.
  std::string sas_token;
  std::string container;
  std::string prefix;
  std::string endpoint_suffix = "blob.core.windows.net";
  uint64_t block_size = 3 << 20;  // Tempo's buffer_size default
  int list_page_size = 5000;
  remote::RetryPolicy retry;
  remote::TransportOptions transport;
};

class AzureBackend final : public RawBackend {
 public:
  explicit AzureBackend(AzureOptions options);
  ~AzureBackend() override;

  Result<std::string> Read(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<uint64_t> Size(std::string_view key) override;
  Status Write(std::string_view key, ByteView data) override;
  Result<std::unique_ptr<AppendWriter>> Append(std::string_view key) override;
  Result<std::vector<std::string>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;

  // Creates the container (tests and tools). OK when it already exists.
  Status CreateContainer();

  remote::HttpTransport& transport() { return transport_; }

 private:
  friend class AzureAppendWriter;

  struct Call {
    std::string method{};
    std::string key{};  // blob key below the prefix; "" for container-level calls
    remote::QueryParams query{};
    remote::Headers headers{};
    ByteView body{};
  };

  Result<remote::HttpResponse> Send(const Call& call);

  AzureOptions options_;
  std::string key_prefix_;    // "<prefix>/" or ""
  std::string base_url_;      // scheme://host
  std::string account_path_;  // "" or "/<account>" (Azurite)
  remote::HttpTransport transport_;
};

}  // namespace vivace::backend::azure
