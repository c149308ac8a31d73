#include "generator/service_graphs.h"

#include <gtest/gtest.h>

#include "generator/test_util.h"

namespace vivace::generator {
namespace {

using testutil::TestSpan;

constexpr int64_t kNow = 1'700'000'040'000;
const std::string kExt = "__metrics_gen_instance=\"h\"";

class ServiceGraphsTest : public ::testing::Test {
 protected:
  void SetUp() override { Make({}); }

  void Make(config::ServiceGraphsConfig cfg, ServiceGraphsProcessor::Subprocessors sub = {}) {
    processor_.reset();
    RegistryOptions o;
    o.external_labels = {{"__metrics_gen_instance", "h"}};
    registry_ = std::make_unique<Registry>(o);
    counters_.filtered = &filtered_;
    counters_.edges = &edges_;
    counters_.dropped_spans = &dropped_spans_;
    counters_.dropped_edges = &dropped_edges_;
    for (int i = 0; i < 6; ++i) {
      counters_.expired_edges[i] = &expired_[i];
    }
    counters_.invalid_utf8 = &invalid_utf8_;
    auto p = ServiceGraphsProcessor::Create(std::move(cfg), sub, registry_.get(), counters_);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    processor_ = std::move(p).value();
    processor_->set_now_ms(kNow);
  }

  void Push(const std::vector<TestSpan>& spans) {
    SpanReader reader;
    ASSERT_TRUE(reader.Read(testutil::Fragment(spans), *processor_).ok());
  }

  std::map<std::string, double> Values() {
    return testutil::LastValues(testutil::CollectAll(*registry_, kNow + 100'000));
  }

  static std::string Edge(const std::string& metric, const std::string& client,
                          const std::string& server, const std::string& type = "",
                          const std::string& extra = "") {
    std::string out = metric + "{" + kExt + ",client=\"" + client + "\"";
    if (!type.empty()) {
      out += ",connection_type=\"" + type + "\"";
    }
    return out + extra + ",server=\"" + server + "\"}";
  }

  std::unique_ptr<Registry> registry_;
  std::unique_ptr<ServiceGraphsProcessor> processor_;
  ServiceGraphsCounters counters_;
  metrics::Counter filtered_, edges_, dropped_spans_, dropped_edges_, invalid_utf8_, expired_[6];
};

TEST_F(ServiceGraphsTest, PairsClientAndServerSpansInEitherOrder) {
  TestSpan client{.service = "frontend", .kind = 3, .trace = 1, .span = 10, .parent = 1};
  client.duration_ns = 300'000'000;
  TestSpan server{.service = "api", .kind = 2, .trace = 1, .span = 11, .parent = 10, .status = 2};
  server.duration_ns = 200'000'000;
  Push({client});
  EXPECT_EQ(processor_->pending_edges(), 1U);
  Push({server});
  EXPECT_EQ(processor_->pending_edges(), 0U);
  // Second request, server span first.
  TestSpan s2 = server;
  s2.trace = 2;
  s2.status = 0;
  TestSpan c2 = client;
  c2.trace = 2;
  Push({s2, c2});
  auto v = Values();
  EXPECT_EQ(v[Edge("traces_service_graph_request_total", "frontend", "api")], 2);
  EXPECT_EQ(v[Edge("traces_service_graph_request_failed_total", "frontend", "api")], 1);
  EXPECT_EQ(v[Edge("traces_service_graph_request_server_seconds_count", "frontend", "api")], 2);
  EXPECT_DOUBLE_EQ(v[Edge("traces_service_graph_request_client_seconds_sum", "frontend", "api")],
                   0.6);
  EXPECT_EQ(v["traces_service_graph_request_server_seconds_bucket{" + kExt
              + ",client=\"frontend\",le=\"0.2\",server=\"api\"}"],
            2);
  EXPECT_EQ(v["traces_service_graph_request_client_seconds_bucket{" + kExt
              + ",client=\"frontend\",le=\"0.2\",server=\"api\"}"],
            0);
  EXPECT_EQ(edges_.Value(), 2);
}

TEST_F(ServiceGraphsTest, DatabaseClientSpansCompleteAtOnce) {
  TestSpan db{.service = "api", .kind = 3, .trace = 3, .span = 20, .parent = 11};
  db.attrs = {{"db.system", "postgresql"}, {"db.name", "users"}};
  TestSpan db2{.service = "api", .kind = 3, .trace = 3, .span = 21, .parent = 11};
  db2.attrs = {{"db.system", "redis"}, {"server.address", "cache:6379"}};
  Push({db, db2});
  EXPECT_EQ(processor_->pending_edges(), 0U);
  auto v = Values();
  EXPECT_EQ(v[Edge("traces_service_graph_request_total", "api", "users", "database")], 1);
  EXPECT_EQ(v[Edge("traces_service_graph_request_total", "api", "cache:6379", "database")], 1);
}

TEST_F(ServiceGraphsTest, ExpiredEdgesBecomeVirtualNodesOrAreCounted) {
  config::ServiceGraphsConfig cfg;
  cfg.enable_virtual_node_label = true;
  Make(cfg);
  TestSpan root{.service = "frontend", .kind = 2, .trace = 4, .span = 30};  // no parent
  TestSpan external{.service = "api", .kind = 3, .trace = 4, .span = 31, .parent = 30};
  external.attrs = {{"peer.service", "stripe"}};
  TestSpan lost{.service = "api", .kind = 3, .trace = 4, .span = 32, .parent = 30};
  Push({root, external, lost});
  EXPECT_EQ(processor_->pending_edges(), 3U);
  processor_->Expire(kNow + 9'000);  // within wait (10s)
  EXPECT_EQ(processor_->pending_edges(), 3U);
  processor_->Expire(kNow + 10'000);
  EXPECT_EQ(processor_->pending_edges(), 0U);
  auto v = Values();
  EXPECT_EQ(v["traces_service_graph_request_total{" + kExt
              + ",client=\"user\",connection_type=\"virtual_node\",server=\"frontend\","
                "virtual_node=\"client\"}"],
            1);
  EXPECT_EQ(v["traces_service_graph_request_total{" + kExt
              + ",client=\"api\",connection_type=\"virtual_node\",server=\"stripe\","
                "virtual_node=\"server\"}"],
            1);
  EXPECT_EQ(expired_[kSpanKindClient].Value(), 1);
}

TEST_F(ServiceGraphsTest, MessagingSystemEdgesAndLatency) {
  config::ServiceGraphsConfig cfg;
  cfg.enable_messaging_system_latency_histogram = true;
  Make(cfg);
  TestSpan producer{.service = "orders", .kind = 4, .trace = 5, .span = 40, .parent = 1};
  producer.duration_ns = 1'000'000;
  TestSpan consumer{.service = "mailer", .kind = 5, .trace = 5, .span = 41, .parent = 40};
  consumer.start = producer.start + producer.duration_ns + 500'000'000;
  Push({producer, consumer});
  auto v = Values();
  EXPECT_EQ(v[Edge("traces_service_graph_request_total", "orders", "mailer", "messaging_system")],
            1);
  EXPECT_DOUBLE_EQ(v[Edge("traces_service_graph_request_messaging_system_seconds_sum", "orders",
                          "mailer", "messaging_system")],
                   0.5);
}

TEST_F(ServiceGraphsTest, DimensionsWithClientServerPrefix) {
  config::ServiceGraphsConfig cfg;
  cfg.dimensions = {"deployment.env"};
  cfg.enable_client_server_prefix = true;
  Make(cfg);
  TestSpan client{.service = "a", .kind = 3, .trace = 6, .span = 50, .parent = 1};
  client.resource_attrs = {{"deployment.env", "prod"}};
  TestSpan server{.service = "b", .kind = 2, .trace = 6, .span = 51, .parent = 50};
  server.attrs = {{"deployment.env", "canary"}};
  Push({client, server});
  auto v = Values();
  EXPECT_EQ(v["traces_service_graph_request_total{" + kExt
              + ",client=\"a\",client_deployment_env=\"prod\",server=\"b\","
                "server_deployment_env=\"canary\"}"],
            1);
}

TEST_F(ServiceGraphsTest, MaxItemsDropsSpans) {
  config::ServiceGraphsConfig cfg;
  cfg.max_items = 2;
  Make(cfg);
  for (uint64_t i = 0; i < 4; ++i) {
    Push({{.service = "a", .kind = 3, .trace = 7, .span = 60 + i, .parent = 1}});
  }
  EXPECT_EQ(processor_->pending_edges(), 2U);
  EXPECT_EQ(dropped_spans_.Value(), 2);
}

TEST_F(ServiceGraphsTest, FilteredSideDropsItsCounterpart) {
  config::ServiceGraphsConfig cfg;
  config::FilterPolicy p;
  p.exclude = {"strict", {{"resource.env", "test"}}};
  cfg.filter_policies = {p};
  Make(cfg);
  TestSpan client{.service = "a", .kind = 3, .trace = 8, .span = 70, .parent = 1};
  client.resource_attrs = {{"env", "test"}};
  TestSpan server{.service = "b", .kind = 2, .trace = 8, .span = 71, .parent = 70};
  Push({client});
  Push({server});
  EXPECT_EQ(filtered_.Value(), 1);
  EXPECT_EQ(dropped_edges_.Value(), 1);
  EXPECT_EQ(processor_->pending_edges(), 0U);
  EXPECT_TRUE(Values().empty());
}

TEST_F(ServiceGraphsTest, SpansWithoutServiceNameOrNonEdgeKindsAreIgnored) {
  Push({{.service = "", .kind = 3, .trace = 9, .span = 80}, {.service = "a", .kind = 1}});
  EXPECT_EQ(processor_->pending_edges(), 0U);
}

TEST_F(ServiceGraphsTest, ConnectionInfoSubprocessorAlone) {
  Make({}, {.request = false, .latency = false, .connection_info = true});
  TestSpan client{.service = "web", .kind = 3, .trace = 1, .span = 10};
  TestSpan server{.service = "api", .kind = 2, .trace = 1, .span = 11, .parent = 10};
  Push({client, server});
  auto v = Values();
  ASSERT_EQ(v.size(), 1U);
  EXPECT_EQ(v[Edge("traces_service_graph_connection_info", "web", "api")], 1);
}

TEST_F(ServiceGraphsTest, EdgesWithInvalidUtf8LabelsAreDropped) {
  TestSpan client{.service = "web\xff", .kind = 3, .trace = 1, .span = 10};
  TestSpan server{.service = "api", .kind = 2, .trace = 1, .span = 11, .parent = 10};
  Push({client, server});
  EXPECT_TRUE(Values().empty());
  EXPECT_EQ(invalid_utf8_.Value(), 1);
}

}  // namespace
}  // namespace vivace::generator
