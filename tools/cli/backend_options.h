#pragma once

// Which object store vivace-cli reads, chosen as tempo-cli chooses it: a Tempo/Vivace YAML file
// (--config-file: storage.trace with its backend, local/s3/gcs/azure blocks and credentials),
// overridden by --backend, --bucket (the local directory holding the tenants, the S3 bucket,
// the GCS bucket or the Azure container), --s3-endpoint, --s3-user, --s3-pass and
// --insecure-skip-verify.

#include <memory>
#include <string>

#include "backend/raw_backend.h"
#include "cli/args.h"
#include "common/status.h"
#include "config/config.h"

namespace vivace::cli {

struct BackendChoice {
  std::string backend;              // "local", "s3", "gcs", "azure"
  std::string bucket;               // local: the root directory; else the bucket or container
  config::StorageConfig storage{};  // storage.trace with the flags applied
};

// Resolves the flags (and the config file they name). InvalidArgument when nothing names a
// backend, the config file does not load, or the backend is unknown.
Result<BackendChoice> ChooseBackend(const ParsedArgs& flags);

// Opens the chosen backend (backend/backend_factory.h): NotFound when the local bucket
// directory does not exist; the factory's errors for missing buckets or credentials.
Result<std::unique_ptr<backend::RawBackend>> OpenBackend(const BackendChoice& choice);

}  // namespace vivace::cli
