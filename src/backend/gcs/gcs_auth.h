#pragma once

// OAuth2 for GCS from a service-account key file (GOOGLE_APPLICATION_CREDENTIALS, type
// "service_account"): a JWT asserting the account's email and the devstorage scope, signed
// RS256 with its private key, is exchanged at its token_uri for an access token, which is
// cached until a minute before it expires. Workload identity and user credentials are not
// supported.
//
// Thread-safe.

#include <memory>
#include <mutex>
#include <string>

#include "backend/remote/http_transport.h"
#include "common/status.h"

namespace vivace::backend::gcs {

struct ServiceAccount {
  std::string client_email;
  std::string private_key;  // PEM
  std::string token_uri = "https://oauth2.googleapis.com/token";
};

// Parses a service-account key file's JSON. InvalidArgument naming what is missing.
Result<ServiceAccount> ParseServiceAccount(std::string_view json);

// The signed JWT assertion ("header.claims.signature", base64url) for `now` (Unix seconds).
Result<std::string> MakeJwtAssertion(const ServiceAccount& account, std::string_view scope,
                                     int64_t now);

class TokenSource {
 public:
  TokenSource(ServiceAccount account, remote::HttpTransport* transport);
  // A valid access token, fetching a new one when needed. PermissionDenied when the token
  // endpoint refuses the assertion.
  Result<std::string> Token();

 private:
  ServiceAccount account_;
  remote::HttpTransport* transport_;
  std::mutex mu_;
  std::string token_;       // guarded by mu_
  int64_t expires_at_ = 0;  // Unix seconds; guarded by mu_
};

}  // namespace vivace::backend::gcs
