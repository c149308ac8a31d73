#include "cli/backend_options.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "backend/backend_factory.h"
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
    choice.storage = loaded->config.storage;
    choice.backend = choice.storage.backend;
    const config::StorageConfig& st = choice.storage;
    choice.bucket = choice.backend == "s3"      ? st.s3.bucket
                    : choice.backend == "gcs"   ? st.gcs.bucket_name
                    : choice.backend == "azure" ? st.azure.container_name
                                                : st.local_path;
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
  config::StorageConfig& st = choice.storage;
  st.backend = choice.backend;
  if (choice.backend == "s3") {
    st.s3.bucket = choice.bucket;
  } else if (choice.backend == "gcs") {
    st.gcs.bucket_name = choice.bucket;
  } else if (choice.backend == "azure") {
    st.azure.container_name = choice.bucket;
  } else {
    st.local_path = choice.bucket;
  }
  if (flags.Has("s3-endpoint")) {
    st.s3.endpoint = flags.Get("s3-endpoint");
  }
  if (flags.Has("s3-user")) {
    st.s3.access_key = flags.Get("s3-user");
  }
  if (flags.Has("s3-pass")) {
    st.s3.secret_key = flags.Get("s3-pass");
  }
  if (flags.Has("insecure-skip-verify")) {
    st.s3.tls_insecure_skip_verify = true;
  }
  return choice;
}

Result<std::unique_ptr<backend::RawBackend>> OpenBackend(const BackendChoice& choice) {
  if (choice.backend == "local") {
    if (choice.bucket.empty()) {
      return Status::InvalidArgument("the local backend needs a path: --bucket=<path>");
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(choice.bucket, ec)) {
      return Status::NotFound(fmt::format("bucket {} is not a directory", choice.bucket));
    }
  }
  config::StorageConfig storage = choice.storage;
  storage.backend = choice.backend;
  if (choice.backend == "local") {
    storage.local_path = choice.bucket;
  }
  return backend::NewRawBackend(storage);
}

}  // namespace vivace::cli
