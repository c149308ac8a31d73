#include "receiver/jaeger_zipkin_servers.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "receiver/jaeger_grpc.h"
#include "receiver/jaeger_udp.h"
#include "receiver/jaeger_zipkin_http.h"

namespace vivace::receiver {
namespace {

std::string GrpcAddress(const std::string& host, int port) {
  if (host.empty()) {
    return fmt::format("[::]:{}", port);
  }
  if (host.find(':') != std::string::npos) {
    return fmt::format("[{}]:{}", host, port);
  }
  return fmt::format("{}:{}", host, port);
}

}  // namespace

JaegerZipkinServers::JaegerZipkinServers() = default;

JaegerZipkinServers::~JaegerZipkinServers() { Stop(std::chrono::seconds(0)); }

Status JaegerZipkinServers::Start(const config::ReceiversConfig& r, bool multitenancy,
                                  distributor::Distributor* distributor, int io_threads,
                                  std::vector<std::pair<std::string, std::string>>* listening) {
  std::string host;
  int port = 0;
  if (r.jaeger_grpc.enabled) {
    VV_RETURN_IF_ERROR(
        net::SplitHostPort(r.jaeger_grpc.endpoint, &host, &port).WithContext("jaeger grpc"));
    jaeger_grpc_ = std::make_unique<JaegerGrpcService>(distributor);
    grpc::ServerBuilder b;
    int selected = 0;
    b.AddListeningPort(GrpcAddress(host, port), grpc::InsecureServerCredentials(), &selected);
    b.SetMaxReceiveMessageSize(r.jaeger_grpc.max_recv_msg_size_mib * 1024 * 1024);
    b.RegisterService(jaeger_grpc_.get());
    jaeger_grpc_server_ = b.BuildAndStart();
    if (!jaeger_grpc_server_ || selected == 0) {
      return Status::Unavailable(
          fmt::format("jaeger grpc: cannot listen on {}", r.jaeger_grpc.endpoint));
    }
    listening->emplace_back("jaeger-grpc", fmt::format("{}:{}", host, selected));
  }
  if (r.jaeger_thrift_http.enabled) {
    VV_RETURN_IF_ERROR(net::SplitHostPort(r.jaeger_thrift_http.endpoint, &host, &port)
                           .WithContext("jaeger thrift_http"));
    auto max_body = static_cast<size_t>(r.jaeger_thrift_http.max_request_body_size);
    jaeger_http_ = std::make_unique<JaegerHttpHandler>(distributor, max_body);
    JaegerHttpHandler* h = jaeger_http_.get();
    jaeger_router_.Add("/api/traces", [h](net::HttpRequest req, net::Responder respond) {
      h->Handle(std::move(req), std::move(respond));
    });
    jaeger_http_server_ =
        std::make_unique<net::HttpServer>(net::HttpServerOptions{.name = "jaeger-thrift-http",
                                                                 .address = host,
                                                                 .port = port,
                                                                 .threads = io_threads,
                                                                 .max_body_bytes = max_body},
                                          &jaeger_router_);
    VV_RETURN_IF_ERROR(jaeger_http_server_->Start());
    listening->emplace_back("jaeger-thrift-http",
                            fmt::format("{}:{}", host, jaeger_http_server_->port()));
  }
  for (const auto& [name, cfg, protocol] :
       {std::tuple{"jaeger-thrift-compact", &r.jaeger_thrift_compact, ThriftProtocol::kCompact},
        std::tuple{"jaeger-thrift-binary", &r.jaeger_thrift_binary, ThriftProtocol::kBinary}}) {
    if (!cfg->enabled) {
      continue;
    }
    VV_RETURN_IF_ERROR(net::SplitHostPort(cfg->endpoint, &host, &port).WithContext(name));
    if (multitenancy) {
      VV_WARN(
          "jaeger agent UDP carries no tenant: with multitenancy_enabled every batch it "
          "receives is dropped",
          {"receiver", name});
    }
    auto server =
        std::make_unique<JaegerUdpServer>(UdpServerOptions{.host = host,
                                                           .port = port,
                                                           .protocol = protocol,
                                                           .max_packet_size = cfg->max_packet_size,
                                                           .workers = cfg->workers,
                                                           .queue_size = cfg->queue_size},
                                          distributor);
    VV_RETURN_IF_ERROR(server->Start().WithContext(name));
    listening->emplace_back(name, fmt::format("{}:{}", host, server->port()));
    udp_.push_back(std::move(server));
  }
  if (r.zipkin.enabled) {
    VV_RETURN_IF_ERROR(net::SplitHostPort(r.zipkin.endpoint, &host, &port).WithContext("zipkin"));
    auto max_body = static_cast<size_t>(r.zipkin.max_request_body_size);
    zipkin_ = std::make_unique<ZipkinHttpHandler>(
        distributor, max_body, ZipkinOptions{.parse_string_tags = r.zipkin.parse_string_tags});
    ZipkinHttpHandler* h = zipkin_.get();
    // Every path and method is Zipkin's.
    zipkin_router_.SetNotFound([h](net::HttpRequest req, net::Responder respond) {
      h->Handle(std::move(req), std::move(respond));
    });
    zipkin_server_ =
        std::make_unique<net::HttpServer>(net::HttpServerOptions{.name = "zipkin",
                                                                 .address = host,
                                                                 .port = port,
                                                                 .threads = io_threads,
                                                                 .max_body_bytes = max_body},
                                          &zipkin_router_);
    VV_RETURN_IF_ERROR(zipkin_server_->Start());
    listening->emplace_back("zipkin", fmt::format("{}:{}", host, zipkin_server_->port()));
  }
  return Status::Ok();
}

void JaegerZipkinServers::Stop(Duration grace) {
  if (jaeger_grpc_server_) {
    if (!jaeger_grpc_->Drain(grace)) {
      VV_WARN("jaeger grpc pushes still in flight at shutdown deadline");
    }
    jaeger_grpc_server_->Shutdown(std::chrono::system_clock::now());
    jaeger_grpc_server_.reset();
  }
  if (jaeger_http_server_) {
    jaeger_http_server_->Stop(grace);
    jaeger_http_server_.reset();
  }
  for (auto& u : udp_) {
    u->Stop();
  }
  udp_.clear();
  if (zipkin_server_) {
    zipkin_server_->Stop(grace);
    zipkin_server_.reset();
  }
}

}  // namespace vivace::receiver
