#pragma once

// S3Backend: the RawBackend of `storage.trace.backend: s3`, for AWS S3 and S3-compatible
// stores (MinIO, Ceph RGW, R2, ...). Requests are signed with our own SigV4 (sigv4.h), sent
// through HttpTransport (pooled keep-alive connections, TLS) and retried with backoff on
// connection errors, 5xx and throttling.
//
// Mapping of the RawBackend calls: Read = GET, ReadRange = GET with Range, Size = HEAD,
// Write = PUT, Append = a multipart upload of `part_size` parts (only the current part is held
// in memory; an object smaller than one part becomes a single PUT at Close), List =
// ListObjectsV2 with delimiter "/" and continuation tokens, Delete = DELETE. Objects become
// visible only when their PUT or CompleteMultipartUpload succeeds; an abandoned Append aborts
// its upload. Keys live under the optional `prefix`.
//
// Thread-safe.

#include <map>
#include <memory>
#include <string>

#include "backend/raw_backend.h"
#include "backend/remote/http_transport.h"
#include "backend/remote/retry.h"
#include "backend/s3/sigv4.h"

namespace vivace::backend::s3 {

struct S3Options {
  std::string endpoint;  // host[:port]
  std::string bucket;
  std::string prefix;  // object keys are "<prefix>/<key>" when set
  std::string region = "us-east-1";
  AwsCredentials credentials;
  bool insecure = false;    // plain http
  bool path_style = false;  // http://endpoint/bucket/key instead of http://bucket.endpoint/key
  uint64_t part_size = 16 << 20;
  std::string storage_class;
  std::map<std::string, std::string> metadata;  // x-amz-meta-*
  std::map<std::string, std::string> tags;      // x-amz-tagging
  std::string sse_type;                         // "", SSE-S3 or SSE-KMS
  std::string sse_kms_key_id;
  std::string sse_kms_encryption_context;
  remote::RetryPolicy retry;
  remote::TransportOptions transport;
  // Signed payloads hash the body (x-amz-content-sha256); off sends UNSIGNED-PAYLOAD.
  bool sign_payload = true;
};

class S3Backend final : public RawBackend {
 public:
  explicit S3Backend(S3Options options);
  ~S3Backend() override;

  Result<std::string> Read(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<uint64_t> Size(std::string_view key) override;
  Status Write(std::string_view key, ByteView data) override;
  Result<std::unique_ptr<AppendWriter>> Append(std::string_view key) override;
  Result<std::vector<std::string>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;

  // Creates the bucket (tests and tools; Tempo expects it to exist). OK when it already does.
  Status CreateBucket();

  const S3Options& options() const { return options_; }

  remote::HttpTransport& transport() { return transport_; }

 private:
  friend class S3AppendWriter;

  struct Call {
    std::string method{};
    std::string key{};  // object key below the prefix; "" for bucket-level calls
    remote::QueryParams query{};
    remote::Headers headers{};  // beyond host/date/auth
    ByteView body{};
  };

  // Sends `call` with retries; every attempt is signed afresh.
  Result<remote::HttpResponse> Send(const Call& call);
  std::string ObjectPath(std::string_view key) const;  // encoded path, leading '/'
  std::string FullKey(std::string_view key) const;
  // Headers that apply to every new object (storage class, metadata, tags, SSE).
  void AddWriteHeaders(remote::Headers* headers) const;

  S3Options options_;
  std::string key_prefix_;  // "<prefix>/" or ""
  std::string host_;        // Host header and URL authority
  std::string base_url_;    // scheme://host[/bucket]
  remote::HttpTransport transport_;
};

}  // namespace vivace::backend::s3
