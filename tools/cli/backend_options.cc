#include "cli/backend_options.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "backend/local_backend.h"
#include "config/loader.h"

namespace vivace::cli {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument(fmt::format("failed to read config file {}: {}", path,
                                               std::generic_category().message(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<BackendChoice> ChooseBackend(const ParsedArgs& flags) {
  BackendChoice choice;
  std::string file = flags.Get("config-file");
  if (!file.empty()) {
    VV_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
    auto loaded = config::LoadFromYaml(text, /*expand_env=*/false);
    if (!loaded.ok()) {
      return Status::InvalidArgument(
          fmt::format("failed to parse config file {}: {}", file, loaded.status().message()));
    }
    choice.backend = loaded->config.storage.backend;
    choice.bucket = loaded->config.storage.local_path;
  } else if (!flags.Has("backend") && !flags.Has("bucket")) {
    return Status::InvalidArgument(
        "no backend given: use --backend=local --bucket=<path> or --config-file=<file>");
  } else {
    choice.backend = "local";  // --bucket alone means a local directory
  }
  if (flags.Has("backend")) {
    choice.backend = flags.Get("backend");
  }
  if (flags.Has("bucket")) {
    choice.bucket = flags.Get("bucket");
  }
  if (choice.backend != "local" && choice.backend != "s3" && choice.backend != "gcs"
      && choice.backend != "azure") {
    return Status::InvalidArgument(
        fmt::format("unknown backend {} (want local, s3, gcs or azure)", choice.backend));
  }
  return choice;
}

Result<std::unique_ptr<backend::RawBackend>> OpenBackend(const BackendChoice& choice) {
  if (choice.backend != "local") {
    return Status::Unimplemented(fmt::format(
        "backend {} is not supported yet (vivace-cli reads the local backend)", choice.backend));
  }
  if (choice.bucket.empty()) {
    return Status::InvalidArgument("the local backend needs a path: --bucket=<path>");
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(choice.bucket, ec)) {
    return Status::NotFound(fmt::format("bucket {} is not a directory", choice.bucket));
  }
  return std::unique_ptr<backend::RawBackend>(
      std::make_unique<backend::LocalBackend>(choice.bucket));
}

}  // namespace vivace::cli
