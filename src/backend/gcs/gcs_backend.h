#pragma once

// GcsBackend: the RawBackend of `storage.trace.backend: gcs`, over the GCS JSON API with OAuth2
// bearer tokens from a service-account key (gcs_auth.h), or no auth at all with `insecure`
// (emulators). Requests go through HttpTransport with retries (`max_retries`).
//
// Mapping: Read = objects.get alt=media, ReadRange = the same with Range, Size = objects.get
// (metadata "size"), Write = simple media upload, Append = a resumable upload sent in
// `chunk_buffer_size` chunks (multiples of 256 KiB; only the current chunk is held) and
// finalised at Close, when the object appears; List = objects.list with delimiter "/" and
// page tokens; Delete = objects.delete. `endpoint` replaces https://storage.googleapis.com
// (a path such as "/storage/v1/" in it is ignored).
//
// Thread-safe.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "backend/gcs/gcs_auth.h"
#include "backend/raw_backend.h"
#include "backend/remote/http_transport.h"
#include "backend/remote/retry.h"

namespace vivace::backend::gcs {

struct GcsOptions {
  std::string bucket;
  std::string prefix;
  std::string endpoint = "https://storage.googleapis.com";  // scheme://host[:port]
  bool insecure = false;                                    // no Authorization header
  std::optional<ServiceAccount> account;                    // required unless insecure
  uint64_t chunk_size = 10 << 20;
  int list_page_size = 1000;
  std::string cache_control;                    // object_cache_control
  std::map<std::string, std::string> metadata;  // object_metadata
  remote::RetryPolicy retry;
  remote::TransportOptions transport;
};

class GcsBackend final : public RawBackend {
 public:
  explicit GcsBackend(GcsOptions options);
  ~GcsBackend() override;

  Result<std::string> Read(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<uint64_t> Size(std::string_view key) override;
  Status Write(std::string_view key, ByteView data) override;
  Result<std::unique_ptr<AppendWriter>> Append(std::string_view key) override;
  Result<std::vector<std::string>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;

  // Creates the bucket (tests). OK when it exists.
  Status CreateBucket();

 private:
  friend class GcsAppendWriter;
  // Sends with retries; `url` is absolute. Adds the bearer token unless insecure.
  Result<remote::HttpResponse> Send(const std::string& method, const std::string& url,
                                    remote::Headers headers, ByteView body = {});
  std::string ObjectUrl(std::string_view key) const;  // .../o/<encoded name>

  GcsOptions options_;
  std::string key_prefix_;
  remote::HttpTransport transport_;
  std::unique_ptr<TokenSource> tokens_;
};

}  // namespace vivace::backend::gcs
