#pragma once

// Percent-encoding for object-store URLs (RFC 3986): every byte except the unreserved
// characters A-Z a-z 0-9 - . _ ~ becomes %XX with upper-case hex. This is the encoding SigV4's
// canonical request, Azure and GCS all expect, so the URL we send and the one we sign are the
// same bytes.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vivace::backend::remote {

// Encodes `s`; with `keep_slash`, '/' stays as is (object keys in a path).
std::string UriEncode(std::string_view s, bool keep_slash = false);

// Decodes %XX escapes (and nothing else: '+' stays '+'). Returns false on a bad escape.
bool UriDecode(std::string_view s, std::string* out);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%2Fy": names and values encoded, in the given order; empty values keep the '='.
std::string EncodeQuery(const QueryParams& params);

// Splits "http://host:port/path" into its parts. False when it is not http(s)://host[...].
struct UrlParts {
  std::string scheme;  // "http" or "https"
  std::string host;    // "host" or "host:port"
  std::string path;    // "" or "/..."
};

bool SplitUrl(std::string_view url, UrlParts* out);

}  // namespace vivace::backend::remote
