#include "common/metrics.h"

#include <gtest/gtest.h>

namespace vivace::metrics {
namespace {

TEST(MetricsTest, ExposesCountersWithLabels) {
  Registry r;
  auto& f = r.NewCounter("tempo_distributor_spans_received_total", "Spans received.", {"tenant"});
  f.WithLabels({"single-tenant"}).Inc(3);
  f.WithLabels({"a\"b"}).Inc();
  std::string text = r.Expose();
  EXPECT_NE(text.find("# TYPE tempo_distributor_spans_received_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("tempo_distributor_spans_received_total{tenant=\"single-tenant\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("{tenant=\"a\\\"b\"} 1\n"), std::string::npos);
}

TEST(MetricsTest, SameChildForSameLabels) {
  Registry r;
  auto& f = r.NewGauge("g", "help", {"a"});
  EXPECT_EQ(&f.WithLabels({"x"}), &f.WithLabels({"x"}));
  EXPECT_EQ(&r.NewGauge("g", "help", {"a"}), &f);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry r;
  auto& h = r.NewHistogram("h_seconds", "help", {}, {0.1, 1});
  h.WithLabels().Observe(0.05);
  h.WithLabels().Observe(0.5);
  h.WithLabels().Observe(5);
  std::string text = r.Expose();
  EXPECT_NE(text.find("h_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("h_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("h_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("h_seconds_count 3\n"), std::string::npos);
}

TEST(MetricsTest, CallbackGaugesAreSortedWithFamilies) {
  Registry r;
  r.NewCounter("b_total", "b");
  r.NewCallbackGauge("a_gauge", "a", [] { return 7.0; });
  r.NewCallbackGauge("c_gauge", "c", [] { return 1.5; });
  std::string text = r.Expose();
  size_t a = text.find("a_gauge 7\n");
  size_t b = text.find("# HELP b_total");
  size_t c = text.find("c_gauge 1.5\n");
  ASSERT_NE(a, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

}  // namespace
}  // namespace vivace::metrics
