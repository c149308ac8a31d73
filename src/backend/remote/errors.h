#pragma once

// Turns an object store's HTTP error answer into a Status: the code follows the HTTP status
// (404 NotFound, 401/403 PermissionDenied, 416 OutOfRange, 5xx/429 Unavailable, ...) and the
// message names the store, the operation, the key and the store's own error code and message
// (from an S3/Azure XML <Error> body or a GCS JSON error) so that "SignatureDoesNotMatch" or
// "AuthenticationFailed" reaches the operator's log verbatim.

#include <cstdint>
#include <string>
#include <string_view>

#include "backend/remote/http_transport.h"
#include "common/status.h"

namespace vivace::backend::remote {

// `store` is "s3", "gcs" or "azure"; `op` the operation ("GET", "list", ...).
Status HttpError(std::string_view store, std::string_view op, std::string_view key,
                 const HttpResponse& response);

// The bytes [offset, offset + length) of an object from the answer to a ranged GET: 206 with
// exactly those bytes; 200 from a server that ignored Range (the whole object, sliced here); a
// 416 or a short answer (stores clip ranges that run past the end) is OutOfRange; any other
// status is HttpError's.
Result<std::string> RangeFromResponse(std::string_view store, std::string_view key, uint64_t offset,
                                      uint64_t length, HttpResponse&& response);

// Code for an HTTP status.
Code CodeForHttpStatus(int status);

}  // namespace vivace::backend::remote
