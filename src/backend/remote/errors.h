#pragma once

// Turns an object store's HTTP error answer into a Status: the code follows the HTTP status
// (404 NotFound, 401/403 PermissionDenied, 416 OutOfRange, 5xx/429 Unavailable, ...) and the
// message names the store, the operation, the key and the store's own error code and message
// (from an S3/Azure XML <Error> body or a GCS JSON error) so that "SignatureDoesNotMatch" or
// "AuthenticationFailed" reaches the operator's log verbatim.

#include <string_view>

#include "backend/remote/http_transport.h"
#include "common/status.h"

namespace vivace::backend::remote {

// `store` is "s3", "gcs" or "azure"; `op` the operation ("GET", "list", ...).
Status HttpError(std::string_view store, std::string_view op, std::string_view key,
                 const HttpResponse& response);

// Code for an HTTP status.
Code CodeForHttpStatus(int status);

}  // namespace vivace::backend::remote
