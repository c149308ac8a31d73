#include "tests/support/peer_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace vivace::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      || getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) {
      close(fd);
    }
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool PortOpen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

bool HaveProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (access((dir + "/" + program).c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

Result<std::unique_ptr<PeerProcess>> PeerProcess::Start(const std::string& name,
                                                        const std::vector<std::string>& argv_s,
                                                        int port, const std::string& cwd,
                                                        Duration timeout) {
  std::unique_ptr<PeerProcess> p(new PeerProcess());
  p->name_ = name;
  p->port_ = port;
  char tmpl[] = "/tmp/vivace-peer-log-XXXXXX";
  int log_fd = mkstemp(tmpl);
  if (log_fd < 0) {
    return Status::Internal("mkstemp failed");
  }
  p->log_path_ = tmpl;
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return Status::Internal("fork failed");
  }
  if (pid == 0) {
    setpgid(0, 0);  // its own group, so Kill() also reaches what it starts
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    close(log_fd);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
    }
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
      _exit(126);
    }
    std::vector<std::string> args = argv_s;
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  p->pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!PortOpen(port)) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      p->pid_ = -1;
      return Status::Unavailable(name + " exited before it was ready: " + p->LogTail());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable(name + " did not open its port in time: " + p->LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return p;
}

void PeerProcess::Kill() {
  if (pid_ <= 0) {
    return;
  }
  kill(-pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

PeerProcess::~PeerProcess() {
  Kill();
  if (!log_path_.empty()) {
    unlink(log_path_.c_str());
  }
}

std::string PeerProcess::LogTail() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

}  // namespace vivace::testing
