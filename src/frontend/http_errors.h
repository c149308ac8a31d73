#pragma once

// Mapping of Status codes to the HTTP answers of Tempo's query frontend: bare text bodies with
// the message, 400 for bad input, 401 for a missing tenant, 404, 429, 500 otherwise.

#include "common/status.h"
#include "net/http.h"

namespace vivace::frontend {

int HttpStatusFor(Code code);
net::HttpResponse ErrorResponse(const Status& status);

}  // namespace vivace::frontend
