#include "loadgen/generator.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "loadgen/catalog.h"

namespace vivace::loadgen {
namespace {

namespace otlp = opentelemetry::proto::trace::v1;
using opentelemetry::proto::common::v1::KeyValue;
using KeyValues = google::protobuf::RepeatedPtrField<KeyValue>;

constexpr uint8_t kPlaceholderMagic[8] = {'v', 'v', 'l', 'o', 'a', 'd', 'g', 'n'};

// What a span does; decides its kind, name, scope and attributes.
enum class Role : uint8_t { kHttpServer, kHttpClient, kDbClient, kProducer, kConsumer, kInternal };

enum ScopeIndex : int { kScopeHttp, kScopeDb, kScopeMessaging, kScopeManual, kScopeCount };

constexpr std::string_view kScopeNames[kScopeCount] = {
    "io.opentelemetry.http", "io.opentelemetry.db", "io.opentelemetry.messaging", "shop.manual"};

constexpr std::string_view kErrorMessages[] = {
    "connection reset by peer", "context deadline exceeded", "deadlock detected",
    "upstream request timeout", "too many connections",      "invalid state transition"};
constexpr std::string_view kUserAgents[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0 Safari/537.36"};
constexpr std::string_view kTiers[] = {"free", "silver", "gold", "platinum"};

// One span of a trace under construction.
struct Node {
  int parent = -1;
  int depth = 1;
  std::vector<int> children;
  Role role = Role::kInternal;
  int service = kFrontend;
  int target = -1;  // HTTP client: called service (-1 = external API); producer: consumer
  int choice = 0;   // route (servers and clients), query (db) or operation (internal)
  uint64_t span_id = 0;
  uint64_t start = 0;
  uint64_t end = 0;
  int http_status = 0;  // 0: none (not HTTP, or the request never got an answer)
  int resends = 0;      // HTTP client: retries before the last attempt
  bool error = false;
  bool error_origin = false;  // failed on its own (gets an exception event)
  bool remote_parent = false;
  int link_trace = -1;  // links to the root of an earlier trace of the request
};

struct Trace {
  uint32_t index = 0;
  std::vector<Node> nodes;
  std::array<int, kServiceCount> pods{};
  uint64_t user = 0;
};

const Service& Svc(int i) { return Services()[static_cast<size_t>(i)]; }

void Str(KeyValues* kv, std::string_view key, std::string_view value) {
  KeyValue* a = kv->Add();
  a->set_key(std::string(key));
  a->mutable_value()->set_string_value(std::string(value));
}

void Int(KeyValues* kv, std::string_view key, int64_t value) {
  KeyValue* a = kv->Add();
  a->set_key(std::string(key));
  a->mutable_value()->set_int_value(value);
}

void Dbl(KeyValues* kv, std::string_view key, double value) {
  KeyValue* a = kv->Add();
  a->set_key(std::string(key));
  a->mutable_value()->set_double_value(value);
}

void Bool(KeyValues* kv, std::string_view key, bool value) {
  KeyValue* a = kv->Add();
  a->set_key(std::string(key));
  a->mutable_value()->set_bool_value(value);
}

std::string BigEndian64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i) {
    s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return s;
}

std::string PodName(int service, int pod) {
  uint64_t h = Mix64(static_cast<uint64_t>(service) * 131 + 7);
  uint64_t p = Mix64(h + static_cast<uint64_t>(pod) + 1);
  return fmt::format("{}-{:010x}-{:05x}", Svc(service).name, h & 0xffffffffffULL, p & 0xfffff);
}

// Fills "{id}" in a route with a number.
std::string FillPath(std::string_view route, Rng& rng) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t at = route.find("{id}", pos);
    out.append(route.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos));
    if (at == std::string_view::npos) {
      return out;
    }
    out += std::to_string(rng.Between(1000, 999999));
    pos = at + 4;
  }
}

// A tree of exactly `spans` nodes whose deepest node is at level min(spans, depth): a chain
// down to `depth` first, then every other node under a random node above the depth limit.
void Shape(Trace& trace, int spans, int depth, Rng& rng) {
  if (spans > 1) {
    depth = std::max(depth, 2);  // a root with children is at least two levels deep
  }
  trace.nodes.assign(static_cast<size_t>(spans), Node{});
  std::vector<int> open;  // nodes that may take children
  int chain = std::min(spans, depth);
  for (int i = 0; i < spans; ++i) {
    Node& n = trace.nodes[static_cast<size_t>(i)];
    if (i > 0) {
      n.parent = i < chain ? i - 1 : open[static_cast<size_t>(rng.Index(open.size()))];
      n.depth = trace.nodes[static_cast<size_t>(n.parent)].depth + 1;
      trace.nodes[static_cast<size_t>(n.parent)].children.push_back(i);
    }
    if (n.depth < depth) {
      open.push_back(i);
    }
  }
}

// A role for a span running inside `node.service` (its parent is in the same service).
void AssignLocalRole(Node& node, bool has_children, Rng& rng) {
  const Service& s = Svc(node.service);

  // Weighted choice among what this service can do.
  struct Option {
    Role role;
    int weight;
  };

  Option options[4];
  int count = 0;
  bool can_call = !s.downstreams.empty() || (!has_children && !s.external_host.empty());
  if (can_call) {
    options[count++] = {Role::kHttpClient, 4};
  }
  if (!s.db_system.empty() && !has_children) {
    options[count++] = {Role::kDbClient, 4};
  }
  if (!s.topic.empty() && (!has_children || s.consumer >= 0)) {
    options[count++] = {Role::kProducer, 1};
  }
  options[count++] = {Role::kInternal, 2};
  int total = 0;
  for (int i = 0; i < count; ++i) {
    total += options[i].weight;
  }
  int pick = rng.Index(static_cast<size_t>(total));
  int i = 0;
  while (pick >= options[i].weight) {
    pick -= options[i].weight;
    ++i;
  }
  node.role = options[i].role;
  switch (node.role) {
    case Role::kHttpClient: {
      bool external =
          !s.external_host.empty() && (s.downstreams.empty() || (!has_children && rng.Chance(0.3)));
      node.target = external ? -1 : rng.Pick(s.downstreams);
      if (node.target >= 0) {
        node.choice = rng.Index(Svc(node.target).routes.size());
      }
      break;
    }
    case Role::kDbClient:
      node.choice = rng.Index(s.queries.size());
      break;
    case Role::kProducer:
      node.target = s.consumer;
      break;
    default:
      node.choice = rng.Index(s.internal_ops.size());
      break;
  }
}

// Roles and services, parents before children: a client's children are the server spans of
// the service it calls, a producer's children the consumers of its topic.
void AssignRoles(Trace& trace, Rng& rng) {
  Node& root = trace.nodes[0];
  if (rng.Chance(0.1)) {
    root.role = Role::kConsumer;  // a queue consumer whose producer is not traced
    root.service = rng.Chance(0.5) ? kOrderWorker : kNotification;
    if (trace.index > 0 && rng.Chance(0.5)) {
      root.link_trace = rng.Index(trace.index);
    }
  } else {
    root.role = Role::kHttpServer;
    root.service = kFrontend;
    root.choice = rng.Index(Svc(kFrontend).routes.size());
    if (trace.index > 0 && rng.Chance(0.03)) {
      root.link_trace = rng.Index(trace.index);
    }
  }
  for (size_t i = 1; i < trace.nodes.size(); ++i) {
    Node& n = trace.nodes[i];
    const Node& p = trace.nodes[static_cast<size_t>(n.parent)];
    bool has_children = !n.children.empty();
    if (p.role == Role::kHttpClient && p.target >= 0) {
      n.role = Role::kHttpServer;
      n.service = p.target;
      n.choice = p.choice;
      n.remote_parent = true;
    } else if (p.role == Role::kProducer && p.target >= 0) {
      n.role = Role::kConsumer;
      n.service = p.target;
      n.remote_parent = true;
    } else {
      n.service = p.service;
      AssignLocalRole(n, has_children, rng);
    }
  }
}

int SuccessStatus(std::string_view method, Rng& rng) {
  if (rng.Chance(0.03)) {
    return rng.Chance(0.6) ? 404 : 400;
  }
  if (method == "POST" && rng.Chance(0.5)) {
    return 201;
  }
  return method == "DELETE" ? 204 : 200;
}

// Errors (own and propagated) and HTTP status codes, children before parents.
void AssignOutcomes(Trace& trace, double error_ratio, Rng& rng) {
  for (size_t i = trace.nodes.size(); i-- > 0;) {
    Node& n = trace.nodes[i];
    n.error_origin = n.children.empty() && rng.Chance(error_ratio);
    n.error = n.error_origin;
    bool child_failed = false;
    for (int c : n.children) {
      child_failed = child_failed || trace.nodes[static_cast<size_t>(c)].error;
    }
    if (n.role == Role::kHttpClient && !n.children.empty()) {
      // Several server spans under one client are retries: all but the last failed.
      n.resends = static_cast<int>(n.children.size()) - 1;
      for (int r = 0; r < n.resends; ++r) {
        Node& attempt = trace.nodes[static_cast<size_t>(n.children[static_cast<size_t>(r)])];
        attempt.error = true;
        attempt.http_status = 503;
      }
      const Node& last = trace.nodes[static_cast<size_t>(n.children.back())];
      n.error = last.error;
      n.http_status = last.http_status;
      continue;
    }
    if (!n.error && child_failed && rng.Chance(0.5)) {
      n.error = true;
    }
    if (n.role == Role::kHttpServer) {
      const Route& route = Svc(n.service).routes[static_cast<size_t>(n.choice)];
      n.http_status = n.error ? (rng.Chance(0.7) ? 500 : 503) : SuccessStatus(route.method, rng);
    } else if (n.role == Role::kHttpClient) {
      // A leaf client: the callee is not traced (or is a third party).
      if (!n.error) {
        n.http_status = 200;
      } else if (rng.Chance(0.8)) {
        n.http_status = rng.Chance(0.5) ? 503 : 504;
      }
    }
  }
}

// A random duration between 5 ms and ~2.5 s, denser at the short end.
uint64_t RootDuration(Rng& rng) {
  uint64_t base = 5'000'000ULL << rng.Below(9);
  return base + rng.Below(base);
}

// Timestamps, parents before children: children share the parent's time, one after another
// (or, for some fan-outs, in parallel), always strictly inside the parent.
void LayOut(Trace& trace, uint64_t start, Rng& rng) {
  Node& root = trace.nodes[0];
  root.start = start;
  root.end = start + RootDuration(rng);
  for (Node& n : trace.nodes) {
    if (n.children.empty()) {
      continue;
    }
    uint64_t len = n.end - n.start;
    bool remote_children = n.role == Role::kHttpClient || n.role == Role::kProducer;
    // Network time before a server sees the request, or the parent's own work before calls.
    uint64_t lead = remote_children ? std::min<uint64_t>(len / 10, 800'000) : len / 20;
    uint64_t avail = len - 2 * lead;
    uint64_t k = n.children.size();
    bool parallel = k > 1 && !remote_children && rng.Chance(0.2);
    uint64_t slot = parallel ? avail : avail / k;
    for (uint64_t i = 0; i < k; ++i) {
      Node& c = trace.nodes[static_cast<size_t>(n.children[i])];
      uint64_t slot_start = n.start + lead + (parallel ? 0 : i * slot);
      c.start = slot_start + rng.Below(slot / 10 + 1);
      c.end = c.start + slot * rng.Between(50, 90) / 100;
    }
  }
}

// Builds the OTLP messages of one request, grouping spans by resource and scope.
class Emitter {
 public:
  Emitter(ExportRequest* request, Rng* rng) : request_(request), rng_(rng) {}

  void Emit(const Trace& trace, const std::vector<uint64_t>& root_ids) {
    for (const Node& n : trace.nodes) {
      int pod = trace.pods[static_cast<size_t>(n.service)];
      otlp::Span* span = Scope(n.service, pod, ScopeOf(n.role))->add_spans();
      EmitSpan(trace, n, root_ids, span);
    }
  }

 private:
  struct Group {
    otlp::ResourceSpans* resource = nullptr;
    std::array<otlp::ScopeSpans*, kScopeCount> scopes{};
  };

  static int ScopeOf(Role role) {
    switch (role) {
      case Role::kHttpServer:
      case Role::kHttpClient:
        return kScopeHttp;
      case Role::kDbClient:
        return kScopeDb;
      case Role::kProducer:
      case Role::kConsumer:
        return kScopeMessaging;
      case Role::kInternal:
        break;
    }
    return kScopeManual;
  }

  otlp::ScopeSpans* Scope(int service, int pod, int scope) {
    Group& g = groups_[service * kPodsPerService + pod];
    if (g.resource == nullptr) {
      g.resource = request_->add_resource_spans();
      FillResource(service, pod, g.resource);
    }
    otlp::ScopeSpans*& ss = g.scopes[static_cast<size_t>(scope)];
    if (ss == nullptr) {
      ss = g.resource->add_scope_spans();
      ss->mutable_scope()->set_name(std::string(kScopeNames[scope]));
      ss->mutable_scope()->set_version(std::string(Svc(service).sdk_version));
    }
    return ss;
  }

  static void FillResource(int service, int pod, otlp::ResourceSpans* rs) {
    const Service& s = Svc(service);
    std::string pod_name = PodName(service, pod);
    auto* kv = rs->mutable_resource()->mutable_attributes();
    Str(kv, "service.name", s.name);
    Str(kv, "service.namespace", "shop");
    Str(kv, "service.version", s.version);
    // Mix64(0) is 0: salt the inputs so that no instance gets an all-zero ID.
    uint64_t instance =
        Mix64(0x696e7374616e6365ULL + static_cast<uint64_t>(service * kPodsPerService + pod));
    Str(kv, "service.instance.id", fmt::format("{:016x}", instance));
    Str(kv, "deployment.environment", "production");
    Str(kv, "host.name", pod_name);
    Str(kv, "host.arch", "amd64");
    Str(kv, "os.type", "linux");
    Str(kv, "cloud.provider", "aws");
    Str(kv, "cloud.region", "eu-west-1");
    Str(kv, "k8s.cluster.name", "prod-eu-west-1");
    Str(kv, "k8s.namespace.name", "shop");
    Str(kv, "k8s.deployment.name", s.name);
    Str(kv, "k8s.pod.name", pod_name);
    Str(kv, "k8s.node.name", NodeNames()[static_cast<size_t>(service + pod) % NodeNames().size()]);
    Int(kv, "process.pid", 1 + static_cast<int64_t>(instance % 32000));
    Str(kv, "telemetry.sdk.name", "opentelemetry");
    Str(kv, "telemetry.sdk.language", s.language);
    Str(kv, "telemetry.sdk.version", s.sdk_version);
    rs->set_schema_url("https://opentelemetry.io/schemas/1.26.0");
  }

  void EmitSpan(const Trace& trace, const Node& n, const std::vector<uint64_t>& root_ids,
                otlp::Span* span) {
    span->set_trace_id(PlaceholderTraceId(trace.index));
    span->set_span_id(BigEndian64(n.span_id));
    if (n.parent >= 0) {
      span->set_parent_span_id(BigEndian64(trace.nodes[static_cast<size_t>(n.parent)].span_id));
    }
    // W3C "sampled", plus OTLP's has-is-remote and is-remote bits.
    span->set_flags(n.remote_parent ? 0x301 : 0x101);
    span->set_start_time_unix_nano(n.start);
    span->set_end_time_unix_nano(n.end);
    switch (n.role) {
      case Role::kHttpServer:
        HttpServer(trace, n, span);
        break;
      case Role::kHttpClient:
        HttpClient(n, span);
        break;
      case Role::kDbClient:
        DbClient(n, span);
        break;
      case Role::kProducer:
        Producer(n, span);
        break;
      case Role::kConsumer:
        Consumer(trace, n, span);
        break;
      case Role::kInternal:
        Internal(n, span);
        break;
    }
    if (n.link_trace >= 0) {
      otlp::Span::Link* link = span->add_links();
      link->set_trace_id(PlaceholderTraceId(static_cast<uint32_t>(n.link_trace)));
      link->set_span_id(BigEndian64(root_ids[static_cast<size_t>(n.link_trace)]));
      link->set_flags(0x101);
      Str(link->mutable_attributes(), "link.reason", "follows_from");
    }
    if (n.error) {
      AddError(Svc(n.service), n, span);
    }
  }

  void HttpServer(const Trace& trace, const Node& n, otlp::Span* span) {
    Rng& rng = *rng_;
    const Service& s = Svc(n.service);
    const Route& r = s.routes[static_cast<size_t>(n.choice)];
    auto* kv = span->mutable_attributes();
    span->set_kind(otlp::Span::SPAN_KIND_SERVER);
    span->set_name(fmt::format("{} {}", r.method, r.route));
    Str(kv, "http.request.method", r.method);
    Str(kv, "url.scheme", "http");
    Str(kv, "url.path", FillPath(r.route, rng));
    Str(kv, "http.route", r.route);
    Str(kv, "server.address", s.name);
    Int(kv, "server.port", s.port);
    Str(kv, "network.protocol.version", "1.1");
    if (n.parent < 0) {
      Str(kv, "client.address", fmt::format("203.0.113.{}", rng.Between(1, 254)));
      Str(kv, "user_agent.original", rng.Pick(kUserAgents));
      Str(kv, "enduser.id", fmt::format("user-{}", trace.user));
      Str(kv, "app.customer.tier", kTiers[trace.user % std::size(kTiers)]);
    } else {
      Str(kv, "client.address", fmt::format("10.42.{}.{}", rng.Between(0, 7), rng.Between(2, 250)));
    }
    Int(kv, "http.response.status_code", n.http_status);
    Int(kv, "http.response.body.size", static_cast<int64_t>(rng.Between(60, 48000)));
  }

  void HttpClient(const Node& n, otlp::Span* span) {
    Rng& rng = *rng_;
    const Service& s = Svc(n.service);
    auto* kv = span->mutable_attributes();
    span->set_kind(otlp::Span::SPAN_KIND_CLIENT);
    std::string_view method = "POST";
    std::string url;
    std::string_view host;
    int port = 443;
    if (n.target >= 0) {
      const Service& t = Svc(n.target);
      const Route& r = t.routes[static_cast<size_t>(n.choice)];
      method = r.method;
      host = t.name;
      port = t.port;
      url = fmt::format("http://{}:{}{}", host, port, FillPath(r.route, rng));
      Str(kv, "peer.service", t.name);
    } else {
      host = s.external_host;
      url = fmt::format("https://{}/v2/requests/{}", host, rng.Between(1, 1u << 30));
    }
    span->set_name(std::string(method));
    Str(kv, "http.request.method", method);
    Str(kv, "url.full", url);
    Str(kv, "server.address", host);
    Int(kv, "server.port", port);
    if (n.http_status != 0) {
      Int(kv, "http.response.status_code", n.http_status);
    } else if (n.error) {
      Str(kv, "error.type", "timeout");
    }
    if (n.resends > 0) {
      Int(kv, "http.request.resend_count", n.resends);
    }
  }

  void DbClient(const Node& n, otlp::Span* span) {
    const Service& s = Svc(n.service);
    const DbQuery& q = s.queries[static_cast<size_t>(n.choice)];
    auto* kv = span->mutable_attributes();
    span->set_kind(otlp::Span::SPAN_KIND_CLIENT);
    span->set_name(fmt::format("{} {}", q.operation, q.collection));
    Str(kv, "db.system", s.db_system);
    Str(kv, "db.name", s.db_name);
    Str(kv, "db.operation", q.operation);
    Str(kv, "db.statement", q.statement);
    Str(kv, "server.address", s.db_host);
    Int(kv, "server.port", s.db_port);
    if (s.db_system == "postgresql") {
      Str(kv, "db.user", fmt::format("{}_app", s.name));
      Int(kv, "db.response.returned_rows", static_cast<int64_t>(rng_->Below(200)));
    }
  }

  void Producer(const Node& n, otlp::Span* span) {
    Rng& rng = *rng_;
    const Service& s = Svc(n.service);
    auto* kv = span->mutable_attributes();
    span->set_kind(otlp::Span::SPAN_KIND_PRODUCER);
    span->set_name(fmt::format("publish {}", s.topic));
    Str(kv, "messaging.system", s.messaging_system);
    Str(kv, "messaging.destination.name", s.topic);
    Str(kv, "messaging.operation", "publish");
    Str(kv, "messaging.message.id", fmt::format("{:016x}", rng.Next()));
    if (s.messaging_system == "kafka") {
      Int(kv, "messaging.kafka.destination.partition", static_cast<int64_t>(rng.Below(12)));
      Str(kv, "messaging.kafka.message.key", fmt::format("order-{}", rng.Below(1000000)));
    } else {
      Str(kv, "messaging.rabbitmq.destination.routing_key", s.topic);
    }
  }

  void Consumer(const Trace& trace, const Node& n, otlp::Span* span) {
    Rng& rng = *rng_;
    const Service& s = Svc(n.service);
    auto* kv = span->mutable_attributes();
    span->set_kind(otlp::Span::SPAN_KIND_CONSUMER);
    span->set_name(fmt::format("process {}", s.consumes_topic));
    Str(kv, "messaging.system", s.consumes_system);
    Str(kv, "messaging.destination.name", s.consumes_topic);
    Str(kv, "messaging.operation", "process");
    Str(kv, "messaging.consumer.group.name", s.name);
    Str(kv, "messaging.message.id", fmt::format("{:016x}", rng.Next()));
    if (s.consumes_system == "kafka") {
      Int(kv, "messaging.kafka.message.offset", static_cast<int64_t>(rng.Below(1u << 31)));
    }
    if (n.parent >= 0) {
      // The messaging conventions link a consumer to the message's producer.
      otlp::Span::Link* link = span->add_links();
      link->set_trace_id(PlaceholderTraceId(trace.index));
      link->set_span_id(BigEndian64(trace.nodes[static_cast<size_t>(n.parent)].span_id));
      link->set_flags(0x101);
    }
  }

  void Internal(const Node& n, otlp::Span* span) {
    Rng& rng = *rng_;
    const Service& s = Svc(n.service);
    auto* kv = span->mutable_attributes();
    span->set_kind(otlp::Span::SPAN_KIND_INTERNAL);
    span->set_name(std::string(s.internal_ops[static_cast<size_t>(n.choice)]));
    Str(kv, "code.namespace", fmt::format("shop.{}", s.name));
    Int(kv, "app.items.count", static_cast<int64_t>(rng.Between(1, 12)));
    Dbl(kv, "app.order.total", static_cast<double>(rng.Between(199, 99999)) / 100.0);
    Bool(kv, "app.cache.hit", rng.Chance(0.7));
    if (rng.Chance(0.2)) {
      otlp::Span::Event* ev = span->add_events();
      ev->set_time_unix_nano(n.start + rng.Below(n.end - n.start + 1));
      ev->set_name("cache miss");
      Str(ev->mutable_attributes(), "cache.key", fmt::format("sku:{}", rng.Below(50000)));
    }
  }

  void AddError(const Service& s, const Node& n, otlp::Span* span) {
    Rng& rng = *rng_;
    std::string_view msg = rng.Pick(kErrorMessages);
    otlp::Status* status = span->mutable_status();
    status->set_code(otlp::Status::STATUS_CODE_ERROR);
    if (n.http_status != 0) {
      status->set_message(fmt::format("HTTP {}: {}", n.http_status, msg));
      Str(span->mutable_attributes(), "error.type", std::to_string(n.http_status));
    } else {
      status->set_message(std::string(msg));
      Str(span->mutable_attributes(), "error.type", s.exception_type);
    }
    if (n.error_origin || n.role == Role::kHttpServer) {
      otlp::Span::Event* ev = span->add_events();
      ev->set_time_unix_nano(n.end - (n.end - n.start) / 10);
      ev->set_name("exception");
      auto* kv = ev->mutable_attributes();
      Str(kv, "exception.type", s.exception_type);
      Str(kv, "exception.message", msg);
      Str(kv, "exception.stacktrace",
          fmt::format("{}: {}\n\tat shop.{}.handle({}.src:{})\n\tat shop.{}.serve({}.src:{})",
                      s.exception_type, msg, s.name, s.name, rng.Between(20, 900), s.name, s.name,
                      rng.Between(20, 900)));
      Bool(kv, "exception.escaped", n.role == Role::kHttpServer);
    }
  }

  ExportRequest* request_;
  Rng* rng_;
  std::map<int, Group> groups_;
};

}  // namespace

std::string PlaceholderTraceId(uint32_t index) {
  std::string id(reinterpret_cast<const char*>(kPlaceholderMagic), 8);
  id += BigEndian64(uint64_t{index} + 1);
  return id;
}

int64_t PlaceholderTraceIndex(ByteView id) {
  if (id.size() != 16 || std::memcmp(id.data(), kPlaceholderMagic, 8) != 0) {
    return -1;
  }
  uint64_t v = 0;
  for (size_t i = 8; i < 16; ++i) {
    v = v << 8 | id[i];
  }
  if (v == 0 || v > UINT32_MAX) {
    return -1;
  }
  return static_cast<int64_t>(v - 1);
}

Generator::Generator(const GeneratorOptions& options)
    : options_(options), rng_(Mix64(options.seed ^ 0x6c6f616467656e31ULL)) {}

ExportRequest Generator::NextRequest(int traces) {
  ExportRequest request;
  Emitter emitter(&request, &rng_);
  std::vector<uint64_t> root_ids;
  Trace trace;
  for (int t = 0; t < traces; ++t) {
    trace.index = static_cast<uint32_t>(t);
    for (int& pod : trace.pods) {
      pod = rng_.Index(kPodsPerService);
    }
    trace.user = rng_.Between(1, 250000);
    Shape(trace, options_.spans_per_trace, options_.depth, rng_);
    for (Node& n : trace.nodes) {
      do {
        n.span_id = rng_.Next();
      } while (n.span_id == 0);
    }
    AssignRoles(trace, rng_);
    AssignOutcomes(trace, options_.error_ratio, rng_);
    // Traces of one batch started within 50 ms of each other.
    LayOut(trace, kTimeOrigin + rng_.Below(50'000'000), rng_);
    emitter.Emit(trace, root_ids);
    root_ids.push_back(trace.nodes[0].span_id);
  }
  return request;
}

}  // namespace vivace::loadgen
