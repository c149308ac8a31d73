#include "tests/support/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <optional>

namespace vivace::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Conn {
  asio::io_context ctx;
  beast::tcp_stream stream{ctx};
  beast::flat_buffer buffer;
};

std::string HttpResult::Header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) {
      return v;
    }
  }
  return "";
}

bool HttpResult::HasHeader(const std::string& lower_name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& kv) { return kv.first == lower_name; });
}

HttpClient::HttpClient(std::string host, int port) : host_(std::move(host)), port_(port) {}

HttpClient::~HttpClient() = default;

Status HttpClient::Connect() {
  conn_ = std::make_unique<Conn>();
  beast::error_code ec;
  tcp::endpoint ep(asio::ip::make_address(host_, ec), static_cast<uint16_t>(port_));
  if (ec) {
    return Status::InvalidArgument("bad host " + host_);
  }
  conn_->stream.connect(ep, ec);
  if (ec) {
    conn_.reset();
    return Status::Unavailable("connect: " + ec.message());
  }
  return Status::Ok();
}

static Result<HttpResult> ReadResponse(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
  std::optional<http::response_parser<http::string_body>> p;
  beast::error_code ec;
  do {  // skip interim 1xx responses (100 Continue)
    p.emplace();
    p->body_limit(1024 * 1024 * 1024);
    stream.expires_after(std::chrono::seconds(120));
    http::read(stream, buffer, *p, ec);
    if (ec) {
      return Status::Unavailable("read: " + ec.message());
    }
  } while (p->get().result_int() >= 100 && p->get().result_int() < 200);
  auto& parser = *p;
  HttpResult r;
  auto& msg = parser.get();
  r.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers.emplace_back(name, std::string(f.value()));
  }
  r.body = std::move(msg.body());
  return r;
}

Result<HttpResult> HttpClient::Do(const std::string& method, const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  const std::string& body) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!conn_) {
      VV_RETURN_IF_ERROR(Connect());
    }
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.method_string(method);
    req.set(http::field::host, host_);
    for (const auto& [k, v] : headers) {
      req.set(k, v);
    }
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    conn_->stream.expires_after(std::chrono::seconds(120));
    http::write(conn_->stream, req, ec);
    if (ec) {
      conn_.reset();  // stale keep-alive connection: reconnect once
      continue;
    }
    auto res = ReadResponse(conn_->stream, conn_->buffer);
    if (!res.ok()) {
      conn_.reset();
      if (attempt == 0) {
        continue;
      }
      return res.status();
    }
    if (res->Header("connection") == "close") {
      conn_.reset();
    }
    return res;
  }
  return Status::Unavailable("request failed");
}

Result<HttpResult> HttpClient::Raw(const std::string& bytes) {
  VV_RETURN_IF_ERROR(Connect());
  beast::error_code ec;
  asio::write(conn_->stream, asio::buffer(bytes), ec);
  if (ec) {
    conn_.reset();
    return Status::Unavailable("write: " + ec.message());
  }
  auto res = ReadResponse(conn_->stream, conn_->buffer);
  conn_.reset();
  return res;
}

}  // namespace vivace::testing
