#include "backend/gcs/gcs_auth.h"

#include <simdjson.h>
#include <time.h>

#include <fmt/format.h>

#include "backend/remote/crypto.h"
#include "backend/remote/errors.h"
#include "backend/remote/uri.h"

namespace vivace::backend::gcs {
namespace {

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

Result<ServiceAccount> ParseServiceAccount(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return Status::InvalidArgument("gcs credentials: not valid JSON");
  }
  ServiceAccount a;
  std::string_view v;
  if (root["type"].get_string().get(v) != simdjson::SUCCESS || v != "service_account") {
    return Status::InvalidArgument(
        "gcs credentials: only \"type\": \"service_account\" key files are supported");
  }
  if (root["client_email"].get_string().get(v) != simdjson::SUCCESS || v.empty()) {
    return Status::InvalidArgument("gcs credentials: client_email is missing");
  }
  a.client_email = std::string(v);
  if (root["private_key"].get_string().get(v) != simdjson::SUCCESS || v.empty()) {
    return Status::InvalidArgument("gcs credentials: private_key is missing");
  }
  a.private_key = std::string(v);
  if (root["token_uri"].get_string().get(v) == simdjson::SUCCESS && !v.empty()) {
    a.token_uri = std::string(v);
  }
  return a;
}

Result<std::string> MakeJwtAssertion(const ServiceAccount& account, std::string_view scope,
                                     int64_t now) {
  std::string header = R"({"alg":"RS256","typ":"JWT"})";
  std::string claims = fmt::format(R"({{"iss":"{}","scope":"{}","aud":"{}","iat":{},"exp":{}}})",
                                   JsonEscape(account.client_email), JsonEscape(scope),
                                   JsonEscape(account.token_uri), now, now + 3600);
  std::string input = remote::Base64UrlEncode(header) + "." + remote::Base64UrlEncode(claims);
  VV_ASSIGN_OR_RETURN(std::string sig, remote::RsaSha256Sign(account.private_key, input));
  return input + "." + remote::Base64UrlEncode(sig);
}

TokenSource::TokenSource(ServiceAccount account, remote::HttpTransport* transport)
    : account_(std::move(account)), transport_(transport) {}

Result<std::string> TokenSource::Token() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = time(nullptr);
  if (!token_.empty() && now < expires_at_ - 60) {
    return token_;
  }
  VV_ASSIGN_OR_RETURN(
      std::string jwt,
      MakeJwtAssertion(account_, "https://www.googleapis.com/auth/devstorage.read_write", now));
  std::string body =
      "grant_type=" + remote::UriEncode("urn:ietf:params:oauth:grant-type:jwt-bearer")
      + "&assertion=" + jwt;
  remote::HttpRequest req;
  req.method = "POST";
  req.url = account_.token_uri;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = ByteView(body);
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, transport_->Do(req));
  if (r.status != 200) {
    Status s = remote::HttpError("gcs", "token", account_.token_uri, r);
    return Status::PermissionDenied(std::string(s.message()));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view token;
  int64_t expires_in = 3600;
  if (parser.parse(r.body).get(root) != simdjson::SUCCESS
      || root["access_token"].get_string().get(token) != simdjson::SUCCESS || token.empty()) {
    return Status::PermissionDenied("gcs token: no access_token in the answer");
  }
  if (root["expires_in"].get_int64().get(expires_in) != simdjson::SUCCESS) {
    expires_in = 3600;
  }
  token_ = std::string(token);
  expires_at_ = now + expires_in;
  return token_;
}

}  // namespace vivace::backend::gcs
