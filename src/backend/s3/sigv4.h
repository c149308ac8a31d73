#pragma once

// AWS Signature Version 4 for S3 requests, done here with OpenSSL rather than by libcurl,
// whose built-in signer (CURLOPT_AWS_SIGV4, curl 7.88) signs wrongly unless the URL is
// already canonical (spec test-peers.md §4). The steps are AWS's: canonical request →
// string to sign → HMAC chain of the secret over date, region, service → signature.
// Unit-tested against AWS's published examples (sigv4_test.cc).

#include <string>
#include <string_view>

#include "backend/remote/http_transport.h"
#include "backend/remote/uri.h"

namespace vivace::backend::s3 {

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // temporary credentials only
};

struct SigV4Request {
  std::string_view method;
  // The path exactly as sent, already percent-encoded (S3 encodes keys once); "" means "/".
  std::string_view canonical_uri;
  // Decoded query parameters, any order.
  const remote::QueryParams* query = nullptr;
  // Headers to sign, any case and order; must include host and x-amz-date.
  const remote::Headers* headers = nullptr;
  // Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string_view payload_hash;
};

// The canonical request (AWS's step 1); also sets `*signed_headers` ("host;x-amz-date").
std::string CanonicalRequest(const SigV4Request& req, std::string* signed_headers);

// The value of the Authorization header. `amz_date` is "YYYYMMDDTHHMMSSZ"; `service` is "s3"
// for S3 (GCS's XML API accepts the same with region "auto").
std::string SigV4Authorization(const SigV4Request& req, const AwsCredentials& creds,
                               std::string_view region, std::string_view service,
                               std::string_view amz_date);

// "YYYYMMDDTHHMMSSZ" for a Unix time in seconds.
std::string AmzDate(int64_t unix_seconds);

}  // namespace vivace::backend::s3
