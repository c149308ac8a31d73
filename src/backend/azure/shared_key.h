#pragma once

// Azure Storage "Shared Key" authorization for the Blob service: the string to sign (verb,
// the eleven standard headers, canonicalized x-ms-* headers, canonicalized resource) and its
// HMAC-SHA256 under the base64-decoded account key. Azurite verifies these signatures, so the
// conformance suite checks them against a real implementation.

#include <string>
#include <string_view>

#include "backend/remote/http_transport.h"
#include "backend/remote/uri.h"
#include "common/status.h"

namespace vivace::backend::azure {

// `path` is the URL path as sent ("/container/blob", or "/account/container/blob" on
// Azurite); `query` the decoded parameters; `headers` every header of the request.
std::string SharedKeyStringToSign(std::string_view method, std::string_view account,
                                  std::string_view path, const remote::QueryParams& query,
                                  const remote::Headers& headers);

// "SharedKey <account>:<base64 signature>". InvalidArgument when the key is not base64.
Result<std::string> SharedKeyAuthorization(std::string_view account, std::string_view base64_key,
                                           std::string_view string_to_sign);

// RFC 1123 date for x-ms-date: "Tue, 25 Nov 2026 02:42:29 GMT".
std::string Rfc1123Date(int64_t unix_seconds);

}  // namespace vivace::backend::azure
