#include "tests/support/prometheus_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/http_client.h"

namespace vivace::testing {
namespace {

// A port the kernel just handed out for 127.0.0.1; Start() retries if someone takes it first.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0
      && getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::map<std::string, std::string> Labels(simdjson::dom::object metric) {
  std::map<std::string, std::string> out;
  for (auto [k, v] : metric) {
    std::string_view s;
    if (v.get(s) == simdjson::SUCCESS) {
      out.emplace(std::string(k), std::string(s));
    }
  }
  return out;
}

// Prometheus writes sample values as strings ("1", "NaN", "+Inf").
double ParseValue(std::string_view s) { return std::strtod(std::string(s).c_str(), nullptr); }

Result<simdjson::dom::array> ResultArray(simdjson::dom::parser& parser, const std::string& body,
                                         simdjson::dom::element* doc) {
  if (parser.parse(body).get(*doc) != simdjson::SUCCESS) {
    return Status::Internal("prometheus answered non-JSON: " + body.substr(0, 300));
  }
  std::string_view status;
  if ((*doc)["status"].get(status) != simdjson::SUCCESS || status != "success") {
    return Status::Internal("prometheus query failed: " + body.substr(0, 500));
  }
  simdjson::dom::array result;
  if ((*doc)["data"]["result"].get(result) == simdjson::SUCCESS) {
    return result;
  }
  if ((*doc)["data"].get(result) == simdjson::SUCCESS) {  // query_exemplars
    return result;
  }
  return Status::Internal("unexpected prometheus answer: " + body.substr(0, 500));
}

}  // namespace

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<std::string> PrometheusProcess::Binary() {
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      std::string candidate = dir + "/prometheus";
      if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
  }
  if (access("/usr/bin/prometheus", X_OK) == 0) {
    return std::string("/usr/bin/prometheus");
  }
  return std::nullopt;
}

Result<std::unique_ptr<PrometheusProcess>> PrometheusProcess::Start() {
  auto bin = Binary();
  if (!bin) {
    return Status::NotFound(kMissing);
  }
  std::unique_ptr<PrometheusProcess> p(new PrometheusProcess());
  p->binary_ = *bin;
  char tmpl[] = "/tmp/vivace-prom-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    return Status::Internal("mkdtemp failed");
  }
  p->dir_ = tmpl;
  {
    std::ofstream cfg(p->dir_ + "/prometheus.yml");
    // No scrape targets: the tests only write through remote write and read back.
    cfg << "global: {scrape_interval: 15s, evaluation_interval: 15s}\n";
  }
  Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    p->port_ = FreePort();
    last = p->Launch();
    if (last.ok()) {
      last = p->WaitReady();
    }
    if (last.ok()) {
      return p;
    }
    p->Stop();  // most likely the port was taken between FreePort and bind
  }
  return last;
}

Status PrometheusProcess::Launch() {
  std::string log = dir_ + "/prometheus.log";
  std::vector<std::string> args = {binary_,
                                   "--config.file=" + dir_ + "/prometheus.yml",
                                   "--storage.tsdb.path=" + dir_ + "/data",
                                   "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                   "--web.enable-remote-write-receiver",
                                   "--enable-feature=exemplar-storage,native-histograms",
                                   "--log.level=warn"};
  pid_t pid = fork();
  if (pid < 0) {
    return Status::Internal("fork failed");
  }
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  return Status::Ok();
}

Status PrometheusProcess::WaitReady() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Unavailable("prometheus exited at start; log:\n" + logs());
    }
    HttpClient c("127.0.0.1", port_);
    auto r = c.Get("/-/ready");
    if (r.ok() && r->status == 200) {
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval
  }
  return Status::Unavailable("prometheus not ready in 60s; log:\n" + logs());
}

void PrometheusProcess::Stop() {
  if (pid_ <= 0) {
    return;
  }
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

Status PrometheusProcess::Restart() {
  Stop();
  Status s = Launch();
  return s.ok() ? WaitReady() : s;
}

PrometheusProcess::~PrometheusProcess() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string PrometheusProcess::remote_write_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/api/v1/write";
}

std::string PrometheusProcess::logs() const {
  std::ifstream in(dir_ + "/prometheus.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> PrometheusProcess::Get(const std::string& target) {
  HttpClient c("127.0.0.1", port_);
  VV_ASSIGN_OR_RETURN(HttpResult r, c.Get(target));
  return r.body;
}

Result<std::vector<PromSample>> PrometheusProcess::Query(const std::string& promql) {
  VV_ASSIGN_OR_RETURN(std::string body, Get("/api/v1/query?query=" + UrlEncode(promql)));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  VV_ASSIGN_OR_RETURN(simdjson::dom::array result, ResultArray(parser, body, &doc));
  std::vector<PromSample> out;
  for (simdjson::dom::element e : result) {
    PromSample s;
    simdjson::dom::object metric;
    if (e["metric"].get(metric) == simdjson::SUCCESS) {
      s.labels = Labels(metric);
    }
    std::string_view v;
    if (e["value"].at(1).get(v) == simdjson::SUCCESS) {
      s.value = ParseValue(v);
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<double> PrometheusProcess::Value(const std::string& promql) {
  VV_ASSIGN_OR_RETURN(auto samples, Query(promql));
  if (samples.empty()) {
    return Status::NotFound("no result for " + promql);
  }
  if (samples.size() > 1) {
    return Status::FailedPrecondition("more than one series for " + promql);
  }
  return samples[0].value;
}

Result<std::vector<PromSeries>> PrometheusProcess::QueryRange(
    const std::string& selector_with_range) {
  VV_ASSIGN_OR_RETURN(std::string body,
                      Get("/api/v1/query?query=" + UrlEncode(selector_with_range)));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  VV_ASSIGN_OR_RETURN(simdjson::dom::array result, ResultArray(parser, body, &doc));
  std::vector<PromSeries> out;
  for (simdjson::dom::element e : result) {
    PromSeries s;
    simdjson::dom::object metric;
    if (e["metric"].get(metric) == simdjson::SUCCESS) {
      s.labels = Labels(metric);
    }
    simdjson::dom::array values;
    if (e["values"].get(values) == simdjson::SUCCESS) {
      for (simdjson::dom::element pair : values) {
        double ts = 0;
        std::string_view v;
        if (pair.at(0).get(ts) == simdjson::SUCCESS && pair.at(1).get(v) == simdjson::SUCCESS) {
          s.samples.emplace_back(static_cast<int64_t>(ts * 1000 + 0.5), ParseValue(v));
        }
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<PromExemplar>> PrometheusProcess::Exemplars(const std::string& selector,
                                                               int64_t start_s, int64_t end_s) {
  VV_ASSIGN_OR_RETURN(std::string body,
                      Get("/api/v1/query_exemplars?query=" + UrlEncode(selector)
                          + "&start=" + std::to_string(start_s) + "&end=" + std::to_string(end_s)));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  VV_ASSIGN_OR_RETURN(simdjson::dom::array result, ResultArray(parser, body, &doc));
  std::vector<PromExemplar> out;
  for (simdjson::dom::element e : result) {
    std::map<std::string, std::string> series;
    simdjson::dom::object labels;
    if (e["seriesLabels"].get(labels) == simdjson::SUCCESS) {
      series = Labels(labels);
    }
    simdjson::dom::array exemplars;
    if (e["exemplars"].get(exemplars) != simdjson::SUCCESS) {
      continue;
    }
    for (simdjson::dom::element x : exemplars) {
      PromExemplar ex;
      ex.series_labels = series;
      simdjson::dom::object xl;
      if (x["labels"].get(xl) == simdjson::SUCCESS) {
        ex.labels = Labels(xl);
      }
      std::string_view v;
      if (x["value"].get(v) == simdjson::SUCCESS) {
        ex.value = ParseValue(v);
      }
      double ts = 0;
      if (x["timestamp"].get(ts) == simdjson::SUCCESS) {
        ex.timestamp_ms = static_cast<int64_t>(ts * 1000 + 0.5);
      }
      out.push_back(std::move(ex));
    }
  }
  return out;
}

}  // namespace vivace::testing
