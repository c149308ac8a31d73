#pragma once

// The system the load generator pretends to trace: a small web shop of eight services with
// HTTP routes, databases, message queues and outbound calls. The generator walks this catalog to
// give every span the attributes an OpenTelemetry SDK would record for it (semantic conventions
// for HTTP, database and messaging spans), so that TraceQL queries, span metrics and service
// graphs see realistic data. Plain constant data; thread-safe.

#include <cstdint>
#include <span>
#include <string_view>

namespace vivace::loadgen {

struct Route {
  std::string_view method;
  std::string_view route;  // http.route; "{id}" is replaced by a number in url.path
};

struct DbQuery {
  std::string_view operation;   // db.operation.name
  std::string_view collection;  // table, key prefix or collection: part of the span name
  std::string_view statement;   // db.statement / db.query.text
};

struct Service {
  std::string_view name;
  std::string_view version;
  std::string_view language;  // telemetry.sdk.language
  std::string_view sdk_version;
  uint16_t port;
  std::span<const Route> routes;     // server routes (may be empty: queue consumers)
  std::span<const int> downstreams;  // services it calls over HTTP
  std::string_view external_host;    // third-party HTTPS API it calls ("" = none)
  std::string_view db_system;        // "" = no database
  std::string_view db_name;
  std::string_view db_host;
  uint16_t db_port;
  std::span<const DbQuery> queries;
  std::string_view messaging_system;  // what it produces to ("" = nothing)
  std::string_view topic;             // messaging.destination.name
  int consumer;                       // service consuming `topic` (-1 = none)
  std::string_view consumes_system;   // what it consumes from ("" = not a consumer)
  std::string_view consumes_topic;
  std::span<const std::string_view> internal_ops;  // names of INTERNAL spans
  std::string_view exception_type;                 // what its errors look like
};

// Service indexes, for readability of the topology.
enum ServiceIndex : int {
  kFrontend = 0,
  kCheckout,
  kPayment,
  kInventory,
  kCart,
  kShipping,
  kOrderWorker,
  kNotification,
  kServiceCount,
};

std::span<const Service> Services();

// Pods per service: each service runs this many replicas (host.name / k8s.pod.name differ).
inline constexpr int kPodsPerService = 3;
// k8s node names, shared by all services.
std::span<const std::string_view> NodeNames();

}  // namespace vivace::loadgen
