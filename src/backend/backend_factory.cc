#include "backend/backend_factory.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "backend/azure/azure_backend.h"
#include "backend/gcs/gcs_backend.h"
#include "backend/local_backend.h"
#include "backend/s3/s3_backend.h"

namespace vivace::backend {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start-up
  return v == nullptr ? "" : v;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The [profile] section of an AWS shared credentials file.
bool ReadSharedCredentials(s3::AwsCredentials* creds) {
  std::string path = Env("AWS_SHARED_CREDENTIALS_FILE");
  if (path.empty()) {
    std::string home = Env("HOME");
    if (home.empty()) {
      return false;
    }
    path = home + "/.aws/credentials";
  }
  std::string profile = Env("AWS_PROFILE");
  if (profile.empty()) {
    profile = "default";
  }
  std::ifstream in(path);
  std::string line;
  bool in_profile = false;
  s3::AwsCredentials found;
  while (std::getline(in, line)) {
    std::string_view l = Trim(line);
    if (l.empty() || l.front() == '#' || l.front() == ';') {
      continue;
    }
    if (l.front() == '[') {
      in_profile = l == "[" + profile + "]";
      continue;
    }
    size_t eq = l.find('=');
    if (!in_profile || eq == std::string_view::npos) {
      continue;
    }
    std::string_view k = Trim(l.substr(0, eq));
    std::string v(Trim(l.substr(eq + 1)));
    if (k == "aws_access_key_id") {
      found.access_key = v;
    } else if (k == "aws_secret_access_key") {
      found.secret_key = v;
    } else if (k == "aws_session_token") {
      found.session_token = v;
    }
  }
  if (found.access_key.empty() || found.secret_key.empty()) {
    return false;
  }
  *creds = found;
  return true;
}

Result<s3::AwsCredentials> S3Credentials(const config::S3Config& c) {
  if (!c.access_key.empty() || !c.secret_key.empty()) {
    if (c.access_key.empty() || c.secret_key.empty()) {
      return Status::InvalidArgument(
          "storage.trace.s3: access_key and secret_key must be given together");
    }
    return s3::AwsCredentials{c.access_key, c.secret_key, c.session_token};
  }
  s3::AwsCredentials env{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"),
                         Env("AWS_SESSION_TOKEN")};
  if (env.access_key.empty()) {
    env.access_key = Env("AWS_ACCESS_KEY");
    env.secret_key = Env("AWS_SECRET_KEY");
  }
  if (!env.access_key.empty() && !env.secret_key.empty()) {
    return env;
  }
  s3::AwsCredentials file;
  if (ReadSharedCredentials(&file)) {
    return file;
  }
  return Status::FailedPrecondition(
      "storage.trace.s3: no credentials: set access_key and secret_key, AWS_ACCESS_KEY_ID and "
      "AWS_SECRET_ACCESS_KEY, or a shared credentials file (instance-profile and web-identity "
      "credentials are not supported by this build)");
}

Result<std::unique_ptr<RawBackend>> NewS3(const config::S3Config& c) {
  if (c.bucket.empty()) {
    return Status::InvalidArgument("storage.trace.s3.bucket is required");
  }
  if (c.signature_v2) {
    return Status::Unimplemented("storage.trace.s3.signature_v2 is not supported (SigV4 only)");
  }
  if (!c.sse_type.empty() && c.sse_type != "SSE-S3" && c.sse_type != "SSE-KMS") {
    return Status::Unimplemented(fmt::format(
        "storage.trace.s3.sse.type {} is not supported (SSE-S3 or SSE-KMS)", c.sse_type));
  }
  s3::S3Options o;
  o.bucket = c.bucket;
  o.prefix = c.prefix;
  o.region = c.region.empty() ? "us-east-1" : c.region;
  o.endpoint = c.endpoint;
  o.insecure = c.insecure;
  if (o.endpoint.starts_with("http://")) {
    o.endpoint = o.endpoint.substr(7);
    o.insecure = true;
  } else if (o.endpoint.starts_with("https://")) {
    o.endpoint = o.endpoint.substr(8);
  }
  while (!o.endpoint.empty() && o.endpoint.back() == '/') {
    o.endpoint.pop_back();
  }
  if (o.endpoint.empty()) {
    o.endpoint =
        c.region.empty() ? "s3.amazonaws.com" : fmt::format("s3.{}.amazonaws.com", c.region);
  }
  // bucket_lookup_type 0 (auto) uses virtual-host style on AWS and path style elsewhere, as
  // minio-go (Tempo's client) does.
  bool aws = o.endpoint.ends_with(".amazonaws.com");
  o.path_style =
      c.forcepathstyle || c.bucket_lookup_type == 2 || (c.bucket_lookup_type == 0 && !aws);
  if (c.part_size > 0) {
    o.part_size = static_cast<uint64_t>(c.part_size);
  }
  o.storage_class = c.storage_class;
  o.metadata = c.metadata;
  o.tags = c.tags;
  o.sse_type = c.sse_type;
  o.sse_kms_key_id = c.sse_kms_key_id;
  o.sse_kms_encryption_context = c.sse_kms_encryption_context;
  o.retry.max_attempts = std::max(1, c.retry_max_attempts);
  o.retry.initial_backoff = c.retry_backoff_initial;
  o.retry.max_backoff = c.retry_backoff_max;
  o.transport.tls_ca_path = c.tls_ca_path;
  o.transport.tls_cert_path = c.tls_cert_path;
  o.transport.tls_key_path = c.tls_key_path;
  o.transport.tls_insecure_skip_verify = c.tls_insecure_skip_verify;
  o.transport.request_timeout = std::chrono::minutes(2);
  VV_ASSIGN_OR_RETURN(o.credentials, S3Credentials(c));
  return std::unique_ptr<RawBackend>(std::make_unique<s3::S3Backend>(std::move(o)));
}

Result<std::unique_ptr<RawBackend>> NewAzure(const config::AzureConfig& c) {
  if (c.use_managed_identity || c.use_federated_token) {
    return Status::Unimplemented(
        "storage.trace.azure: use_managed_identity and use_federated_token are not supported by "
        "this build; use storage_account_key");
  }
  azure::AzureOptions o;
  o.account =
      c.storage_account_name.empty() ? Env("AZURE_STORAGE_ACCOUNT") : c.storage_account_name;
  o.account_key = c.storage_account_key.empty() ? Env("AZURE_STORAGE_KEY") : c.storage_account_key;
  if (o.account_key.empty()) {
    o.sas_token = c.sas_token.empty() ? Env("AZURE_STORAGE_SAS_TOKEN") : c.sas_token;
  }
  o.container = c.container_name;
  o.prefix = c.prefix;
  o.endpoint_suffix = c.endpoint_suffix.empty() ? "blob.core.windows.net" : c.endpoint_suffix;
  if (c.buffer_size > 0) {
    o.block_size = static_cast<uint64_t>(c.buffer_size);
  }
  o.transport.request_timeout = std::chrono::minutes(2);
  if (o.container.empty()) {
    return Status::InvalidArgument("storage.trace.azure.container_name is required");
  }
  if (o.account.empty() || (o.account_key.empty() && o.sas_token.empty())) {
    return Status::FailedPrecondition(
        "storage.trace.azure: no credentials: set storage_account_name and storage_account_key "
        "or sas_token (or AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY or "
        "AZURE_STORAGE_SAS_TOKEN)");
  }
  return std::unique_ptr<RawBackend>(std::make_unique<azure::AzureBackend>(std::move(o)));
}

Result<std::unique_ptr<RawBackend>> NewGcs(const config::GcsConfig& c) {
  if (c.bucket_name.empty()) {
    return Status::InvalidArgument("storage.trace.gcs.bucket_name is required");
  }
  gcs::GcsOptions o;
  o.bucket = c.bucket_name;
  o.prefix = c.prefix;
  if (!c.endpoint.empty()) {
    o.endpoint = c.endpoint;
  }
  o.insecure = c.insecure;
  o.cache_control = c.object_cache_control;
  o.metadata = c.object_metadata;
  if (c.chunk_buffer_size > 0) {
    o.chunk_size = static_cast<uint64_t>(c.chunk_buffer_size);
  }
  o.retry.max_attempts = std::max(1, c.max_retries + 1);
  o.transport.request_timeout = std::chrono::minutes(2);
  o.transport.tls_insecure_skip_verify = c.insecure;
  if (!c.insecure) {
    std::string path = Env("GOOGLE_APPLICATION_CREDENTIALS");
    if (path.empty()) {
      return Status::FailedPrecondition(
          "storage.trace.gcs: no credentials: set GOOGLE_APPLICATION_CREDENTIALS to a "
          "service-account key file (workload identity and the metadata server are not "
          "supported by this build), or insecure: true for an emulator");
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      return Status::FailedPrecondition(
          fmt::format("storage.trace.gcs: cannot read GOOGLE_APPLICATION_CREDENTIALS {}", path));
    }
    VV_ASSIGN_OR_RETURN(o.account, gcs::ParseServiceAccount(text.str()));
  }
  return std::unique_ptr<RawBackend>(std::make_unique<gcs::GcsBackend>(std::move(o)));
}

}  // namespace

Result<std::unique_ptr<RawBackend>> NewRawBackend(const config::StorageConfig& storage) {
  if (storage.backend == "local") {
    return std::unique_ptr<RawBackend>(std::make_unique<LocalBackend>(storage.local_path));
  }
  if (storage.backend == "s3") {
    return NewS3(storage.s3);
  }
  if (storage.backend == "azure") {
    return NewAzure(storage.azure);
  }
  if (storage.backend == "gcs") {
    return NewGcs(storage.gcs);
  }
  return Status::InvalidArgument(fmt::format(
      "storage.trace.backend: unknown backend \"{}\" (local, s3, gcs or azure)", storage.backend));
}

}  // namespace vivace::backend
