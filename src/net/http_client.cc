#include "net/http_client.h"

#include <algorithm>
#include <charconv>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace vivace::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kMaxResponseBody = 1 << 20;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<HttpUrl> HttpUrl::Parse(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  if (url.substr(0, kHttp.size()) != kHttp) {
    if (url.substr(0, 8) == "https://") {
      return Status::InvalidArgument(
          fmt::format("url {}: https is not supported yet, use http", url));
    }
    return Status::InvalidArgument(fmt::format("url {}: expected http://host[:port]/path", url));
  }
  std::string_view rest = url.substr(kHttp.size());
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  HttpUrl out;
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!out.target.empty() && out.target[0] == '?') {
    out.target.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument(
        fmt::format("url {}: credentials in the url are not supported", url));
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument(fmt::format("url {}: bad IPv6 host", url));
    }
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return Status::InvalidArgument(fmt::format("url {}: bad host", url));
      }
      port = authority.substr(close + 2);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) {
    return Status::InvalidArgument(fmt::format("url {}: missing host", url));
  }
  out.host = std::string(host);
  if (!port.empty()) {
    int p = 0;
    auto r = std::from_chars(port.data(), port.data() + port.size(), p);
    if (r.ec != std::errc() || r.ptr != port.data() + port.size() || p <= 0 || p > 65535) {
      return Status::InvalidArgument(fmt::format("url {}: bad port", url));
    }
    out.port = p;
  }
  return out;
}

std::optional<std::string_view> ClientResponse::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) {
      return v;
    }
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  HttpUrl base;
  asio::io_context ioc;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  // Runs the io_context until `done` or the deadline (the stream's timer fails the pending
  // operation with beast::error::timeout).
  void Run() {
    ioc.restart();
    ioc.run();
  }

  Status Connect(std::chrono::steady_clock::time_point deadline) {
    stream = std::make_unique<beast::tcp_stream>(ioc);
    buffer.clear();
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(base.host, std::to_string(base.port), ec);
    if (ec) {
      stream.reset();
      return Status::Unavailable(fmt::format("resolving {}: {}", base.host, ec.message()));
    }
    stream->expires_at(deadline);
    beast::error_code cec;
    stream->async_connect(endpoints,
                          [&cec](beast::error_code e, const tcp::endpoint&) { cec = e; });
    Run();
    if (cec) {
      stream.reset();
      if (cec == beast::error::timeout) {
        return Status::DeadlineExceeded(
            fmt::format("connecting to {}:{}: timeout", base.host, base.port));
      }
      return Status::Unavailable(
          fmt::format("connecting to {}:{}: {}", base.host, base.port, cec.message()));
    }
    stream->socket().set_option(tcp::no_delay(true), ec);
    return Status::Ok();
  }

  // One exchange on the current connection. `*stale` is set when the failure looks like a
  // server-closed keep-alive connection (nothing was read back).
  Result<ClientResponse> Exchange(http::request<http::string_body>& req,
                                  std::chrono::steady_clock::time_point deadline, bool* stale) {
    *stale = false;
    stream->expires_at(deadline);
    beast::error_code wec;
    http::async_write(*stream, req, [&wec](beast::error_code e, size_t) { wec = e; });
    Run();
    if (!wec) {
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBody);
      beast::error_code rec;
      http::async_read(*stream, buffer, parser, [&rec](beast::error_code e, size_t) { rec = e; });
      Run();
      if (!rec) {
        auto res = parser.release();
        ClientResponse out;
        out.status = static_cast<int>(res.result_int());
        for (const auto& f : res) {
          out.headers.emplace_back(
              Lower(std::string_view(f.name_string().data(), f.name_string().size())),
              std::string(f.value().data(), f.value().size()));
        }
        out.body = std::move(res.body());
        if (!res.keep_alive()) {
          Close();
        }
        return out;
      }
      wec = rec;
      *stale = rec == http::error::end_of_stream || rec == asio::error::connection_reset
               || rec == asio::error::eof;
    } else {
      *stale = wec == asio::error::broken_pipe || wec == asio::error::connection_reset;
    }
    Close();
    if (wec == beast::error::timeout) {
      return Status::DeadlineExceeded(
          fmt::format("request to {}:{}: timeout", base.host, base.port));
    }
    return Status::Unavailable(
        fmt::format("request to {}:{}: {}", base.host, base.port, wec.message()));
  }

  void Close() {
    if (stream) {
      beast::error_code ec;
      stream->socket().shutdown(tcp::socket::shutdown_both, ec);
      stream->socket().close(ec);
      stream.reset();
    }
    buffer.clear();
  }
};

HttpClient::HttpClient(HttpUrl base) : impl_(std::make_unique<Impl>()) {
  impl_->base = std::move(base);
}

HttpClient::~HttpClient() { impl_->Close(); }

void HttpClient::Close() { impl_->Close(); }

Result<ClientResponse> HttpClient::Request(
    std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string body,
    Duration timeout) {
  auto deadline = std::chrono::steady_clock::now()
                  + std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
  http::request<http::string_body> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  std::string host = impl_->base.host.find(':') != std::string::npos
                         ? fmt::format("[{}]:{}", impl_->base.host, impl_->base.port)
                         : fmt::format("{}:{}", impl_->base.host, impl_->base.port);
  req.set(http::field::host, host);
  for (const auto& [k, v] : headers) {
    req.set(beast::string_view(k.data(), k.size()), beast::string_view(v.data(), v.size()));
  }
  req.body() = std::move(body);
  req.keep_alive(true);
  req.prepare_payload();
  try {
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool reused = impl_->stream != nullptr;
      if (!reused) {
        VV_RETURN_IF_ERROR(impl_->Connect(deadline));
      }
      bool stale = false;
      Result<ClientResponse> r = impl_->Exchange(req, deadline, &stale);
      if (r.ok() || !(reused && stale)) {
        return r;
      }
    }
  } catch (const std::exception& e) {  // Boost reports some failures by throwing
    impl_->Close();
    return Status::Unavailable(
        fmt::format("request to {}:{}: {}", impl_->base.host, impl_->base.port, e.what()));
  }
  return Status::Unavailable("request failed");
}

}  // namespace vivace::net
