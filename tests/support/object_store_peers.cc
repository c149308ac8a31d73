#include "tests/support/object_store_peers.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "tests/support/peer_process.h"

namespace vivace::testing {
namespace {

std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      continue;
    }
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out[line.substr(0, eq)] = value;
  }
  return out;
}

std::string g_started_dir;  // set when this process started the peers itself

void StopOwnPeers() {
  if (!g_started_dir.empty()) {
    std::string cmd =
        fmt::format("'{}/peers.sh' stop '{}' >/dev/null 2>&1", g_started_dir, g_started_dir);
    int rc = std::system(cmd.c_str());  // NOLINT(concurrency-mt-unsafe): at exit, one thread
    (void)rc;
  }
}

Result<ObjectStorePeers> Load() {
  const char* env_dir = std::getenv("VV_OBJSTORE_PEERS_DIR");  // NOLINT(concurrency-mt-unsafe)
  std::string dir = env_dir ? env_dir : VV_OBJSTORE_PEERS_DIR;
  std::string env_path = dir + "/peers.env";
  if (!std::filesystem::exists(dir + "/node_modules/s3rver")) {
    return Status::Unavailable(fmt::format(
        "object-store peers not installed ({}/node_modules is missing: `npm ci` there failed "
        "or has not run; ctest runs it as the objstore_npm_ci fixture)",
        dir));
  }
  if (!std::filesystem::exists(env_path)) {
    std::string cmd = fmt::format("'{}/peers.sh' start '{}' >/dev/null 2>&1", dir, dir);
    int rc = std::system(cmd.c_str());  // NOLINT(concurrency-mt-unsafe): runs once, guarded
    if (rc != 0 || !std::filesystem::exists(env_path)) {
      return Status::Unavailable("object-store peers did not start (tests/e2e/objstore/peers.sh)");
    }
    g_started_dir = dir;
    std::atexit(&StopOwnPeers);
  }
  auto env = ReadEnvFile(env_path);
  ObjectStorePeers p;
  p.dir = dir;
  p.s3_port = std::atoi(env["S3_PROXY_PORT"].c_str());
  p.s3rver_port = std::atoi(env["S3RVER_PORT"].c_str());
  p.azurite_port = std::atoi(env["AZURITE_PORT"].c_str());
  p.gcs_port = std::atoi(env["GCS_PORT"].c_str());
  if (p.gcs_port != 0 && !PortOpen(p.gcs_port)) {
    p.gcs_port = 0;
  }
  if (!PortOpen(p.s3_port) || !PortOpen(p.azurite_port)) {
    return Status::Unavailable(
        fmt::format("object-store peers listed in {} are not running", env_path));
  }
  return p;
}

}  // namespace

const Result<ObjectStorePeers>& ObjectStorePeers::Get() {
  static const Result<ObjectStorePeers> peers = Load();
  return peers;
}

std::string UniqueBucketName(const std::string& hint) {
  static std::atomic<int> counter{0};
  std::string clean;
  for (char c : hint) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      clean.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      clean.push_back(static_cast<char>(c - 'A' + 'a'));
    }
  }
  clean = clean.substr(0, 30);
  return fmt::format("vv-{}-{}-{}", clean.empty() ? "b" : clean, getpid(), counter.fetch_add(1));
}

}  // namespace vivace::testing
