#pragma once

// Opens the RawBackend that `storage.trace` configures (local, s3, azure, gcs), with
// Tempo's keys and credential fallbacks: S3 keys from the config, else AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, else the shared credentials file
// (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, profile AWS_PROFILE or "default"); Azure
// account and key from the config, else AZURE_STORAGE_ACCOUNT / AZURE_STORAGE_KEY; GCS from the
// service-account key file GOOGLE_APPLICATION_CREDENTIALS (none with `insecure`). Settings this
// build cannot honour (S3 signature_v2 and SSE-C, Azure managed identity and federated tokens,
// AWS instance-profile / web-identity credentials, GCS workload identity) fail with a message
// that names them.

#include <memory>

#include "backend/raw_backend.h"
#include "config/config.h"

namespace vivace::backend {

Result<std::unique_ptr<RawBackend>> NewRawBackend(const config::StorageConfig& storage);

}  // namespace vivace::backend
