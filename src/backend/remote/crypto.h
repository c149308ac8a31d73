#pragma once

// Hashes and MACs the object-store signers need (SigV4, Azure SharedKey, GCS JWT), over
// OpenSSL. Results are raw bytes unless the name says hex or base64.

#include <string>
#include <string_view>

#include "common/status.h"

namespace vivace::backend::remote {

std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string Md5(std::string_view data);

// base64url without padding (RFC 7515 §2), as JWTs use.
std::string Base64UrlEncode(std::string_view data);

// RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256") of `data` with a PEM private key (PKCS#8 or
// PKCS#1). InvalidArgument when the key does not parse.
Result<std::string> RsaSha256Sign(std::string_view pem_private_key, std::string_view data);

}  // namespace vivace::backend::remote
