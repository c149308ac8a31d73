#include "backend/s3/sigv4.h"

#include <time.h>

#include <algorithm>

#include <fmt/format.h>

#include "backend/remote/crypto.h"
#include "common/hex.h"

namespace vivace::backend::s3 {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Trims the value and collapses runs of spaces to one, as SigV4 requires.
std::string CanonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out.push_back(' ');
      space = false;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string CanonicalRequest(const SigV4Request& req, std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> query;
  if (req.query != nullptr) {
    for (const auto& [k, v] : *req.query) {
      query.emplace_back(remote::UriEncode(k), remote::UriEncode(v));
    }
  }
  std::sort(query.begin(), query.end());
  std::vector<std::pair<std::string, std::string>> headers;
  if (req.headers != nullptr) {
    for (const auto& [k, v] : *req.headers) {
      headers.emplace_back(Lower(k), CanonicalValue(v));
    }
  }
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  std::string out;
  out.reserve(512);
  out.append(req.method).push_back('\n');
  out.append(req.canonical_uri.empty() ? std::string_view("/") : req.canonical_uri);
  out.push_back('\n');
  for (size_t i = 0; i < query.size(); ++i) {
    if (i > 0) {
      out.push_back('&');
    }
    out.append(query[i].first).append("=").append(query[i].second);
  }
  out.push_back('\n');
  signed_headers->clear();
  for (size_t i = 0; i < headers.size(); ++i) {
    // Repeated headers are joined with commas under one name.
    if (i > 0 && headers[i].first == headers[i - 1].first) {
      out.pop_back();
      out.append(",").append(headers[i].second).push_back('\n');
      continue;
    }
    out.append(headers[i].first).append(":").append(headers[i].second).push_back('\n');
    if (!signed_headers->empty()) {
      signed_headers->push_back(';');
    }
    signed_headers->append(headers[i].first);
  }
  out.push_back('\n');
  out.append(*signed_headers).push_back('\n');
  out.append(req.payload_hash);
  return out;
}

std::string SigV4Authorization(const SigV4Request& req, const AwsCredentials& creds,
                               std::string_view region, std::string_view service,
                               std::string_view amz_date) {
  std::string signed_headers;
  std::string canonical = CanonicalRequest(req, &signed_headers);
  std::string_view date = amz_date.substr(0, 8);
  std::string scope = fmt::format("{}/{}/{}/aws4_request", date, region, service);
  std::string to_sign =
      fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date, scope, remote::Sha256Hex(canonical));
  std::string key = remote::HmacSha256("AWS4" + creds.secret_key, date);
  key = remote::HmacSha256(key, region);
  key = remote::HmacSha256(key, service);
  key = remote::HmacSha256(key, "aws4_request");
  std::string signature = HexEncode(ByteView(remote::HmacSha256(key, to_sign)));
  return fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                     creds.access_key, scope, signed_headers, signature);
}

std::string AmzDate(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);

  struct tm tm {};

  gmtime_r(&t, &tm);
  char buf[20];
  strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace vivace::backend::s3
