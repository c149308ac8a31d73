#include "tests/support/vivace_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/support/http_client.h"

namespace vivace::testing {

std::string VivaceProcess::BinaryPath() {
  const char* dir = std::getenv("VV_BINARY_DIR");
  return std::string(dir ? dir : VV_DEFAULT_BINARY_DIR) + "/src/app/vivace";
}

Result<std::unique_ptr<VivaceProcess>> VivaceProcess::Start(const Options& options) {
  std::unique_ptr<VivaceProcess> p(new VivaceProcess());
  if (options.data_dir.empty()) {
    char tmpl[] = "/tmp/vivace-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      return Status::Internal("mkdtemp failed");
    }
    p->data_dir_ = tmpl;
    p->own_dir_ = true;
  } else {
    p->data_dir_ = options.data_dir;
    std::filesystem::create_directories(p->data_dir_);
  }
  std::string cfg_path = p->data_dir_ + "/vivace.yaml";
  {
    std::ofstream cfg(cfg_path);
    cfg << "server:\n"
        << "  http_listen_address: 127.0.0.1\n  http_listen_port: 0\n"
        << "  grpc_listen_address: 127.0.0.1\n  grpc_listen_port: 0\n"
        << "  graceful_shutdown_timeout: 10s\n"
        << "distributor:\n  receivers:\n    otlp:\n      protocols:\n"
        << "        grpc:\n          endpoint: 127.0.0.1:0\n"
        << "        http:\n          endpoint: 127.0.0.1:0\n"
        << options.receivers_yaml << "storage:\n  trace:\n";
    if (options.storage_yaml.empty()) {
      cfg << "    backend: local\n"
          << "    local:\n      path: " << p->data_dir_ << "/blocks\n";
    } else {
      cfg << options.storage_yaml;
    }
    cfg << "    wal:\n      path: " << p->data_dir_
        << "/wal\n"
        // Test traces carry fixed 2023 timestamps; with the default 14-day block_retention the
        // compactor would retire their blocks at once. (2.x key: extra_yaml may use 3.x's.)
        << "compactor:\n  compaction:\n    block_retention: 87600h\n"
        << "live_store:\n  wal:\n    path: " << p->data_dir_ << "/live-store\n"
        << options.live_store_yaml << options.extra_yaml;
  }
  int pipefd[2];
  if (pipe(pipefd) != 0) {
    return Status::Internal("pipe failed");
  }
  std::vector<std::string> argv_s = {BinaryPath(), "-config.file=" + cfg_path};
  argv_s.insert(argv_s.end(), options.args.begin(), options.args.end());
  pid_t pid = fork();
  if (pid < 0) {
    return Status::Internal("fork failed");
  }
  if (pid == 0) {
    dup2(pipefd[1], STDERR_FILENO);
    dup2(pipefd[1], STDOUT_FILENO);
    close(pipefd[0]);
    close(pipefd[1]);
    std::vector<char*> argv;
    for (auto& a : argv_s) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  p->pid_ = pid;
  int fd = pipefd[0];
  p->reader_ = std::thread([raw = p.get(), fd] { raw->ReadLogs(fd); });
  std::vector<std::string> listeners = {"http", "grpc"};
  if (options.otlp) {
    listeners.insert(listeners.end(), {"otlp-grpc", "otlp-http"});
  }
  listeners.insert(listeners.end(), options.listeners.begin(), options.listeners.end());
  VV_RETURN_IF_ERROR(p->WaitForListeners(listeners));
  VV_RETURN_IF_ERROR(p->WaitReady());
  return p;
}

void VivaceProcess::ReadLogs(int fd) {
  static const std::regex kListening(R"(msg="server listening" name=([a-z-]+) addr=[^ ]*:(\d+))");
  char buf[4096];
  std::string pending;
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) {
      break;
    }
    std::lock_guard<std::mutex> lock(mu_);
    logs_.append(buf, static_cast<size_t>(n));
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      std::smatch m;
      if (std::regex_search(line, m, kListening)) {
        ports_[m[1]] = std::stoi(m[2]);
      }
    }
    cv_.notify_all();
  }
  close(fd);
  std::lock_guard<std::mutex> lock(mu_);
  exited_ = true;
  cv_.notify_all();
}

Status VivaceProcess::WaitForListeners(const std::vector<std::string>& names) {
  std::unique_lock<std::mutex> lock(mu_);
  bool ok = cv_.wait_for(lock, std::chrono::seconds(60), [&] {
    if (exited_) {
      return true;
    }
    for (const auto& n : names) {
      if (ports_.count(n) == 0) {
        return false;
      }
    }
    return true;
  });
  if (!ok || exited_) {
    return Status::Unavailable("vivace did not start; logs:\n" + logs_);
  }
  return Status::Ok();
}

Status VivaceProcess::WaitReady() {
  HttpClient c("127.0.0.1", http_port());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.Get("/ready");
    if (r.ok() && r->status == 200) {
      return Status::Ok();
    }
    std::unique_lock<std::mutex> lock(mu_);
    // Poll the readiness endpoint; wake early if the process dies.
    if (cv_.wait_for(lock, std::chrono::milliseconds(20), [&] { return exited_; })) {
      return Status::Unavailable("vivace exited before ready; logs:\n" + logs_);
    }
  }
  return Status::Unavailable("vivace not ready in time; logs:\n" + logs());
}

int VivaceProcess::port(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ports_.find(name);
  return it == ports_.end() ? 0 : it->second;
}

std::string VivaceProcess::logs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return logs_;
}

bool VivaceProcess::WaitForLog(std::string_view needle) {
  std::unique_lock<std::mutex> lock(mu_);
  // The deadline only turns a hang into a failure; waits end as soon as the line arrives.
  return cv_.wait_for(lock, std::chrono::minutes(2), [&] {
    return logs_.find(needle) != std::string::npos || exited_;
  }) && logs_.find(needle) != std::string::npos;
}

int VivaceProcess::StopWith(int sig) {
  if (pid_ <= 0) {
    return exit_status_;
  }
  kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (reader_.joinable()) {
    reader_.join();
  }
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_status_;
}

VivaceProcess::~VivaceProcess() {
  StopWith(SIGTERM);
  if (own_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

}  // namespace vivace::testing
