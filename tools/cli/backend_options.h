#pragma once

// Which object store vivace-cli reads, chosen as tempo-cli chooses it: a Tempo/Vivace YAML file
// (--config-file, storage.trace.backend and storage.trace.local.path), overridden by --backend
// and --bucket (for the local backend, the directory holding the tenants).

#include <memory>
#include <string>

#include "backend/raw_backend.h"
#include "cli/args.h"
#include "common/status.h"

namespace vivace::cli {

struct BackendChoice {
  std::string backend;  // "local", "s3", "gcs", "azure"
  std::string bucket;   // local: the root directory
};

// Resolves the flags (and the config file they name). InvalidArgument when nothing names a
// backend, the config file does not load, or the backend is unknown.
Result<BackendChoice> ChooseBackend(const ParsedArgs& flags);

// Opens the chosen backend: Unimplemented for backends other than local ("backend s3 is not
// supported yet"); NotFound when the local bucket directory does not exist.
Result<std::unique_ptr<backend::RawBackend>> OpenBackend(const BackendChoice& choice);

}  // namespace vivace::cli
