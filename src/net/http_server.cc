#include "net/http_server.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "common/logging.h"
#include "common/metrics.h"

namespace vivace::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

metrics::Family<metrics::Histogram>& RequestDuration() {
  static auto& f = metrics::DefaultRegistry().NewHistogram(
      "tempo_request_duration_seconds", "Time (in seconds) spent serving HTTP requests.",
      {"method", "route", "status_code", "ws"},
      {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100});
  return f;
}

metrics::Family<metrics::Gauge>& TcpConnections() {
  static auto& f = metrics::DefaultRegistry().NewGauge(
      "tempo_tcp_connections", "Current number of accepted TCP connections.", {"protocol"});
  return f;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void ParseQuery(std::string_view q, HttpRequest* req) {
  size_t i = 0;
  while (i <= q.size() && !q.empty()) {
    size_t j = q.find('&', i);
    if (j == std::string_view::npos) {
      j = q.size();
    }
    std::string_view pair = q.substr(i, j - i);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string k;
      std::string v;
      // Undecodable pairs are kept raw rather than dropped: handlers validate values.
      if (!PercentDecode(pair.substr(0, eq), true, &k)) {
        k = std::string(pair.substr(0, eq));
      }
      if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &v)) {
        v = std::string(pair.substr(eq + 1));
      }
      req->query.emplace_back(std::move(k), std::move(v));
    }
    i = j + 1;
    if (j == q.size()) {
      break;
    }
  }
}

}  // namespace

class HttpServer::Impl {
 public:
  class Session;

  Impl(HttpServerOptions options, const Router* router)
      : options_(std::move(options)), router_(router) {
    int n = std::max(1, options_.threads);
    for (int i = 0; i < n; ++i) {
      contexts_.push_back(std::make_unique<asio::io_context>(1));
      guards_.push_back(
          std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
              contexts_.back()->get_executor()));
    }
    acceptor_ = std::make_unique<tcp::acceptor>(*contexts_[0]);
  }

  Status Bind(int* bound_port) {
    beast::error_code ec;
    asio::ip::address addr;
    if (options_.address.empty()) {
      addr = asio::ip::address_v6::any();
    } else if (options_.address == "localhost") {
      addr = asio::ip::make_address("127.0.0.1");
    } else {
      addr = asio::ip::make_address(options_.address, ec);
      if (ec) {
        return Status::InvalidArgument(
            fmt::format("{}: invalid listen address \"{}\"", options_.name, options_.address));
      }
    }
    tcp::endpoint ep(addr, static_cast<uint16_t>(options_.port));
    acceptor_->open(ep.protocol(), ec);
    if (!ec && addr.is_v6() && addr.is_unspecified()) {
      acceptor_->set_option(asio::ip::v6_only(false), ec);
    }
    if (!ec) {
      acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor_->bind(ep, ec);
    }
    if (!ec) {
      acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      return Status::Unavailable(fmt::format("{}: cannot listen on {}:{}: {}", options_.name,
                                             options_.address, options_.port, ec.message()));
    }
    *bound_port = acceptor_->local_endpoint().port();
    return Status::Ok();
  }

  void Run() {
    DoAccept();
    for (auto& ctx : contexts_) {
      threads_.emplace_back([c = ctx.get()] { c->run(); });
    }
  }

  void Stop(Duration grace);

  void DoAccept() {
    asio::io_context& ctx = *contexts_[next_context_++ % contexts_.size()];
    acceptor_->async_accept(ctx, [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (!stopping_.load()) {
          DoAccept();  // transient (e.g. EMFILE): keep accepting
        }
        return;
      }
      StartSession(std::move(socket));
      if (!stopping_.load()) {
        DoAccept();
      }
    });
  }

  void StartSession(tcp::socket socket);

  void SessionEnded(Session* s) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(s);
    TcpConnections().WithLabels({"http"}).Add(-1);
    cv_.notify_all();
  }

  const HttpServerOptions& options() const { return options_; }

  const Router* router() const { return router_; }

  bool stopping() const { return stopping_.load(); }

 private:
  HttpServerOptions options_;
  const Router* router_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  // Declared before the io_contexts: sessions still queued in a context are destroyed with it
  // and unregister themselves here.
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_set<Session*> sessions_;
  std::vector<std::weak_ptr<Session>> weak_sessions_;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>>> guards_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  size_t next_context_ = 0;
  friend class Session;
};

class HttpServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl* server, tcp::socket socket)
      : server_(server), socket_(std::move(socket)), timer_(socket_.get_executor()) {
    beast::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) {
      remote_ = fmt::format("{}:{}", ep.address().to_string(), ep.port());
    }
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  ~Session() { server_->SessionEnded(this); }

  void Start() { ReadHeader(); }

  // Called from Stop(): closes the connection now if it is waiting for a request.
  void CloseIfIdle() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      if (!self->in_flight_) {
        self->Close();
      }
    });
  }

 private:
  using Clock = std::chrono::steady_clock;

  // Timeouts: one deadline per connection phase (idle, reading a request, writing the answer),
  // kept in `deadline_` and checked by a timer that is re-armed only when it fires or when a
  // deadline comes earlier than the one it is armed for. Arming a timer per socket read (what
  // Beast's tcp_stream does) costs a timerfd_settime per read.
  void SetDeadline(Duration d) {
    deadline_ = Clock::now() + d;
    if (deadline_ < timer_at_) {
      ArmTimer();
    }
  }

  // No deadline while a handler works on the request (answers may take long: queries).
  void ClearDeadline() { deadline_ = Clock::time_point::max(); }

  void ArmTimer() {
    timer_at_ = deadline_;
    timer_.expires_at(deadline_);
    timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) {
        return;  // re-armed or cancelled
      }
      if (auto self = weak.lock()) {
        self->OnTimer();
      }
    });
  }

  void OnTimer() {
    timer_at_ = Clock::time_point::max();
    if (closed_ || deadline_ == Clock::time_point::max()) {
      return;
    }
    if (Clock::now() >= deadline_) {
      Close();  // the pending read or write completes with an error and ends the session
      return;
    }
    ArmTimer();
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(64 * 1024);
    parser_->body_limit(server_->options().max_body_bytes);
    SetDeadline(server_->options().idle_timeout);
    http::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    // Beast reports a Content-Length over the limit as soon as the header is parsed.
    bool too_large = ec == http::error::body_limit;
    if (ec && !too_large) {
      Close();
      return;
    }
    in_flight_ = true;
    start_ = std::chrono::steady_clock::now();
    auto& req = parser_->get();
    if (too_large) {
      OnBody(http::error::body_limit);
      return;
    }
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      SetDeadline(std::chrono::seconds(60));
      http::async_write(socket_, *cont,
                        [self = shared_from_this(), cont](beast::error_code wec, size_t) {
                          if (wec) {
                            self->Close();
                            return;
                          }
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    SetDeadline(server_->options().read_timeout);
    // Beast reads at most the buffer's free capacity (512 bytes minimum) per call; a large body
    // read through a small buffer costs a recvmsg per half kilobyte. Read big bodies in chunks
    // of up to kBodyReadChunk.
    auto length = parser_->content_length();
    size_t want =
        length ? static_cast<size_t>(std::min<uint64_t>(*length, kBodyReadChunk)) : kBodyReadChunk;
    if (buffer_.capacity() - buffer_.size() < want) {
      buffer_.reserve(buffer_.size() + want);
    }
    http::async_read(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    bool too_large = ec == http::error::body_limit;
    if (ec && !too_large) {
      Close();
      return;
    }
    ClearDeadline();
    auto& msg = parser_->get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    std::string_view target(msg.target().data(), msg.target().size());
    size_t q = target.find('?');
    if (!PercentDecode(target.substr(0, q), false, &req.path)) {
      req.path = std::string(target.substr(0, q));
    }
    if (q != std::string_view::npos) {
      ParseQuery(target.substr(q + 1), &req);
    }
    for (const auto& f : msg) {
      req.headers.emplace_back(ToLower({f.name_string().data(), f.name_string().size()}),
                               std::string(f.value()));
    }
    req.body_too_large = too_large;
    body_skipped_ = too_large;
    if (!too_large) {
      req.body = std::move(msg.body());
    }
    req.remote_address = remote_;
    keep_alive_ = msg.keep_alive() && !too_large;
    version_ = msg.version();
    method_ = req.method;
    auto self = shared_from_this();
    Responder respond = [self](HttpResponse resp) {
      asio::post(self->socket_.get_executor(),
                 [self, resp = std::move(resp)]() mutable { self->Write(std::move(resp)); });
    };
    try {
      server_->router()->Dispatch(std::move(req), std::move(respond), &route_);
    } catch (const std::exception& e) {
      VV_ERROR("http handler failed", {"err", e.what()}, {"route", route_});
      Write(HttpResponse::Text(500, "internal error\n"));
    }
  }

  void Write(HttpResponse resp) {
    if (responded_) {
      return;  // a handler answered twice; the first answer stands
    }
    responded_ = true;
    res_.emplace(static_cast<http::status>(resp.status), version_ == 0 ? 11 : version_);
    if (!resp.content_type.empty()) {
      res_->set(http::field::content_type, resp.content_type);
    }
    for (auto& [k, v] : resp.headers) {
      res_->set(k, v);
    }
    res_->body() = std::move(resp.body);
    bool keep = keep_alive_ && !resp.close && !server_->stopping();
    res_->keep_alive(keep);
    res_->prepare_payload();
    status_ = resp.status;
    SetDeadline(std::chrono::seconds(60));
    http::async_write(socket_, *res_,
                      [self = shared_from_this(), keep](beast::error_code ec, size_t) {
                        self->OnWritten(ec, keep);
                      });
  }

  void OnWritten(beast::error_code ec, bool keep) {
    bool unread_body = body_skipped_;
    if (server_->options().instrument) {
      double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      RequestDuration()
          .WithLabels({method_, route_, std::to_string(status_), "false"})
          .Observe(secs);
    }
    in_flight_ = false;
    responded_ = false;
    res_.reset();
    if (!ec && unread_body) {
      LingeringClose();
      return;
    }
    if (ec || !keep) {
      Close();
      return;
    }
    ReadHeader();
  }

  // After answering a request whose body we did not read, closing at once would make the
  // kernel reset the connection and the client could lose the answer. Stop sending, then drain
  // what the client still sends (bounded in time and bytes), then close.
  void LingeringClose() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    SetDeadline(std::chrono::seconds(2));
    Drain(0);
  }

  void Drain(size_t drained) {
    if (drained > (8u << 20)) {
      Close();
      return;
    }
    drain_buf_.resize(64 * 1024);
    socket_.async_read_some(asio::buffer(drain_buf_),
                            [self = shared_from_this(), drained](beast::error_code ec, size_t n) {
                              if (ec) {
                                self->Close();
                                return;
                              }
                              self->Drain(drained + n);
                            });
  }

  void Close() {
    closed_ = true;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
  }

  static constexpr size_t kBodyReadChunk = 64 * 1024;

  Impl* server_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_at_ = Clock::time_point::max();  // when the timer fires; max = idle
  bool closed_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> res_;
  std::string remote_;
  std::string route_;
  std::string method_;
  std::chrono::steady_clock::time_point start_;
  int status_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool in_flight_ = false;
  bool responded_ = false;
  bool body_skipped_ = false;
  std::vector<char> drain_buf_;
};

void HttpServer::Impl::StartSession(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto session = std::make_shared<Session>(this, std::move(socket));
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.insert(session.get());
    weak_sessions_.push_back(session);
    // Drop expired entries now and then so the list does not grow with every connection.
    if (weak_sessions_.size() > 2 * sessions_.size() + 64) {
      std::erase_if(weak_sessions_, [](const std::weak_ptr<Session>& w) { return w.expired(); });
    }
  }
  TcpConnections().WithLabels({"http"}).Add(1);
  session->Start();
}

void HttpServer::Impl::Stop(Duration grace) {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  stopping_.store(true);
  asio::post(*contexts_[0], [this] {
    beast::error_code ec;
    acceptor_->close(ec);
  });
  auto close_idle = [this] {
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& w : weak_sessions_) {
        if (auto s = w.lock()) {
          live.push_back(std::move(s));
        }
      }
    }
    for (auto& s : live) {
      s->CloseIfIdle();
    }
  };
  close_idle();
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (!sessions_.empty()) {
      // Sessions that finish a request close themselves (stopping_ disables keep-alive); poll
      // again for ones that became idle meanwhile.
      if (cv_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now()
                                                      + std::chrono::milliseconds(100)))
              == std::cv_status::timeout
          && std::chrono::steady_clock::now() >= deadline) {
        break;
      }
      lock.unlock();
      close_idle();
      lock.lock();
    }
  }
  guards_.clear();
  for (auto& ctx : contexts_) {
    ctx->stop();
  }
  for (auto& t : threads_) {
    t.join();
  }
  threads_.clear();
}

HttpServer::HttpServer(HttpServerOptions options, const Router* router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() { Stop(std::chrono::seconds(1)); }

Status HttpServer::Start() {
  VV_RETURN_IF_ERROR(impl_->Bind(&port_));
  impl_->Run();
  return Status::Ok();
}

void HttpServer::Stop(Duration grace) {
  if (impl_) {
    impl_->Stop(grace);
  }
}

Status SplitHostPort(std::string_view endpoint, std::string* host, int* port) {
  size_t colon = endpoint.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("address {}: missing port in address", endpoint));
  }
  std::string_view h = endpoint.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  std::string_view p = endpoint.substr(colon + 1);
  int v = 0;
  if (p.empty() || p.size() > 5) {
    return Status::InvalidArgument(fmt::format("address {}: invalid port", endpoint));
  }
  for (char c : p) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument(fmt::format("address {}: invalid port", endpoint));
    }
    v = v * 10 + (c - '0');
  }
  if (v > 65535) {
    return Status::InvalidArgument(fmt::format("address {}: invalid port", endpoint));
  }
  *host = std::string(h);
  *port = v;
  return Status::Ok();
}

}  // namespace vivace::net
