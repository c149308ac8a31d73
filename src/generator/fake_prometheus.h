#pragma once

// A fake Prometheus remote-write receiver for the generator's tests: decodes each POST
// (snappy + WriteRequest), records it with its headers, and answers with scripted statuses
// (204 once the script runs out). Thread-safe.

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "generator/write_request.h"
#include "net/http_server.h"
#include "net/router.h"

namespace vivace::generator::testutil {

class FakePrometheus {
 public:
  struct Received {
    std::vector<std::pair<std::string, std::string>> headers;
    DecodedWriteRequest request;

    std::string Header(const std::string& name) const {
      for (const auto& [k, v] : headers) {
        if (k == name) {
          return v;
        }
      }
      return "";
    }
  };

  FakePrometheus() {
    router_.Add("/api/v1/write", [this](net::HttpRequest req, net::Responder respond) {
      std::lock_guard lock(mu_);
      int status = 204;
      if (!script_.empty()) {
        status = script_.front();
        script_.pop_front();
      }
      ++attempts_;
      net::HttpResponse r;
      r.status = status;
      if (status == 204) {
        auto raw = SnappyUncompress(req.body, 64 << 20);
        auto decoded =
            raw.ok() ? DecodeWriteRequest(*raw) : Result<DecodedWriteRequest>(raw.status());
        if (!decoded.ok() || req.Header("content-encoding") != "snappy") {
          r.status = 400;
          r.body = "bad request";
        } else {
          received_.push_back({req.headers, std::move(decoded).value()});
        }
      } else {
        r.body = "scripted failure";
      }
      respond(std::move(r));
    });
    server_ = std::make_unique<net::HttpServer>(
        net::HttpServerOptions{.address = "127.0.0.1", .port = 0, .instrument = false}, &router_);
  }

  Status Start() { return server_->Start(); }

  void Stop() { server_->Stop(); }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/api/v1/write";
  }

  void Script(std::initializer_list<int> statuses) {
    std::lock_guard lock(mu_);
    script_.insert(script_.end(), statuses.begin(), statuses.end());
  }

  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }

  int attempts() const {
    std::lock_guard lock(mu_);
    return attempts_;
  }

 private:
  net::Router router_;
  std::unique_ptr<net::HttpServer> server_;
  mutable std::mutex mu_;
  std::deque<int> script_;
  std::vector<Received> received_;
  int attempts_ = 0;
};

}  // namespace vivace::generator::testutil
