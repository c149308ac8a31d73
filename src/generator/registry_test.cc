#include "generator/registry.h"

#include <gtest/gtest.h>

#include "generator/test_util.h"

namespace vivace::generator {
namespace {

using testutil::CollectAll;
using testutil::LastValues;
using testutil::SeriesKey;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kT0 = 1'700'000'040'000;  // 40 s into a minute

RegistryOptions Options(uint32_t max_series = 0) {
  RegistryOptions o;
  o.external_labels = {{"__metrics_gen_instance", "host1"}, {"cluster", "c1"}};
  o.max_active_series = [max_series] { return max_series; };
  return o;
}

uint64_t Labels(LabelBuilder& b, std::initializer_list<std::pair<const char*, const char*>> l) {
  b.Reset();
  for (const auto& [n, v] : l) {
    b.Add(n, v);
  }
  return b.Finish();
}

TEST(RegistryTest, CounterStartsWithZeroAtEndOfLastMinuteThenCounts) {
  Registry r(Options());
  Counter* c = r.NewCounter("calls_total");
  LabelBuilder& b = r.builder();
  uint64_t h = Labels(b, {{"service", "api"}});
  c->Inc(b, h, 1, kT0);
  c->Inc(b, h, 2, kT0);
  auto series = CollectAll(r, kT0 + 10);
  ASSERT_EQ(series.size(), 2U);
  EXPECT_EQ(SeriesKey(series[0]),
            "calls_total{__metrics_gen_instance=\"host1\",cluster=\"c1\",service=\"api\"}");
  EXPECT_EQ(series[0].samples[0].value, 0);
  EXPECT_EQ(series[0].samples[0].timestamp_ms, kT0 - kT0 % kMinute - 1000);
  EXPECT_EQ(series[1].samples[0].value, 3);
  EXPECT_EQ(series[1].samples[0].timestamp_ms, kT0 + 10);
  // Later collections report only the running value.
  c->Inc(b, h, 1, kT0 + 20);
  series = CollectAll(r, kT0 + 1000);
  ASSERT_EQ(series.size(), 1U);
  EXPECT_EQ(series[0].samples[0].value, 4);
}

TEST(RegistryTest, ExternalLabelsReplaceSeriesLabels) {
  Registry r(Options());
  Counter* c = r.NewCounter("m_total");
  uint64_t h = Labels(r.builder(), {{"cluster", "mine"}});
  c->Inc(r.builder(), h, 1, kT0);
  auto v = LastValues(CollectAll(r, kT0 + 1));
  EXPECT_EQ(v.count("m_total{__metrics_gen_instance=\"host1\",cluster=\"c1\"}"), 1U);
}

TEST(RegistryTest, HistogramBucketsCountSumAndExemplars) {
  Registry r(Options());
  Histogram* h = r.NewHistogram("lat", {1, 0.5});  // sorted, +Inf added
  EXPECT_EQ(h->bounds().size(), 3U);
  LabelBuilder& b = r.builder();
  uint64_t hash = Labels(b, {{"s", "a"}});
  std::string trace(16, '\0');
  trace[15] = 0x2a;
  h->Observe(b, hash, 0.3, 1, trace, kT0);
  h->Observe(b, hash, 0.7, 2, ByteView(), kT0);
  h->Observe(b, hash, 5, 1, ByteView(), kT0);
  auto series = CollectAll(r, kT0 + 5);
  auto v = LastValues(series);
  const std::string ext = "__metrics_gen_instance=\"host1\",cluster=\"c1\",";
  EXPECT_EQ(v["lat_count{" + ext + "s=\"a\"}"], 4);
  EXPECT_DOUBLE_EQ(v["lat_sum{" + ext + "s=\"a\"}"], 0.3 + 1.4 + 5);
  EXPECT_EQ(v["lat_bucket{" + ext + "le=\"0.5\",s=\"a\"}"], 1);
  EXPECT_EQ(v["lat_bucket{" + ext + "le=\"1\",s=\"a\"}"], 3);
  EXPECT_EQ(v["lat_bucket{" + ext + "le=\"+Inf\",s=\"a\"}"], 4);
  int exemplars = 0;
  for (const auto& s : series) {
    for (const auto& e : s.exemplars) {
      ++exemplars;
      EXPECT_EQ(s.Label("le"), "0.5");
      EXPECT_EQ(e.labels[0].name, "traceID");
      EXPECT_EQ(e.labels[0].value, "2a");  // leading zeros stripped
      EXPECT_DOUBLE_EQ(e.value, 0.3);
    }
  }
  EXPECT_EQ(exemplars, 1);
  // Exemplars are sent once.
  series = CollectAll(r, kT0 + 10);
  for (const auto& s : series) {
    EXPECT_TRUE(s.exemplars.empty());
  }
  EXPECT_EQ(r.active_series(), 5U);  // 3 buckets + count + sum
}

TEST(RegistryTest, NativeHistogramsStartAtZeroAndCarryTheLastExemplars) {
  Registry r(Options());
  HistogramOptions native;
  native.mode = HistogramMode::kNative;
  Histogram* h = r.NewHistogram("lat", {0.5, 1}, native);
  LabelBuilder& b = r.builder();
  uint64_t hash = Labels(b, {{"s", "a"}});
  std::string trace(16, '\x11');
  for (int i = 0; i < 12; ++i) {
    trace[0] = static_cast<char>(0x10 + i);
    h->Observe(b, hash, 0.25, 1, trace, kT0);
  }
  h->Observe(b, hash, 0, 2.5, ByteView(), kT0);  // ceil(2.5) observations in the zero bucket
  auto series = CollectAll(r, kT0 + 5);
  ASSERT_EQ(series.size(), 2U);  // the zero histogram, then the histogram; no classic series
  EXPECT_EQ(SeriesKey(series[0]), "lat{__metrics_gen_instance=\"host1\",cluster=\"c1\",s=\"a\"}");
  ASSERT_EQ(series[0].histograms.size(), 1U);
  EXPECT_EQ(series[0].histograms[0].count_int, 0U);
  EXPECT_EQ(series[0].histograms[0].schema, 3);
  EXPECT_EQ(series[0].histograms[0].timestamp_ms, kT0 - kT0 % kMinute - 1000);
  const DecodedHistogram& d = series[1].histograms[0];
  EXPECT_EQ(d.count_int, 15U);
  EXPECT_EQ(d.zero_count_int, 3U);
  EXPECT_DOUBLE_EQ(d.sum, 3);
  auto buckets = d.PositiveBuckets();
  ASSERT_TRUE(buckets.ok());
  EXPECT_EQ(*buckets, (std::vector<std::pair<int32_t, int64_t>>{{-16, 12}}));  // 0.25 = 2^(-16/8)
  EXPECT_EQ(series[1].exemplars.size(), 10U);  // the last ten trace IDs
  EXPECT_EQ(r.active_series(), 1U);
  series = CollectAll(r, kT0 + 1000);
  ASSERT_EQ(series.size(), 1U);
  EXPECT_TRUE(series[0].exemplars.empty());
  EXPECT_EQ(series[0].histograms[0].count_int, 15U);
}

TEST(RegistryTest, BothHistogramModesReportClassicAndNativeSeries) {
  Registry r(Options());
  HistogramOptions both;
  both.mode = HistogramMode::kBoth;
  Histogram* h = r.NewHistogram("lat", {1}, both);
  uint64_t hash = Labels(r.builder(), {{"s", "a"}});
  h->Observe(r.builder(), hash, 0.3, 1, std::string(16, '\x01'), kT0);
  auto series = CollectAll(r, kT0 + 5);
  size_t native = 0;
  size_t classic = 0;
  for (const auto& s : series) {
    native += s.histograms.size();
    classic += s.samples.size();
    if (!s.histograms.empty() && s.histograms[0].count_int == 1) {
      EXPECT_EQ(s.exemplars.size(), 1U);  // the bucket exemplar, as Tempo's hybrid mode
    }
  }
  EXPECT_EQ(native, 2U);   // zero + value
  EXPECT_EQ(classic, 7U);  // zero count, sum, count, and a zero and a value per bucket (2)
  EXPECT_EQ(r.active_series(), 5U);
  EXPECT_EQ(r.RemoveStaleSeries(kT0 + 1), 5U);
  series = CollectAll(r, kT0 + 1000);
  EXPECT_EQ(series.size(), 5U);  // staleness markers for every series, native included
}

TEST(RegistryTest, MaxActiveSeriesFoldsNewSeriesIntoOverflow) {
  Registry r(Options(2));
  Counter* c = r.NewCounter("m_total");
  LabelBuilder& b = r.builder();
  for (const char* svc : {"a", "b", "c", "d"}) {
    uint64_t h = Labels(b, {{"service", svc}});
    c->Inc(b, h, 1, kT0);
  }
  auto v = LastValues(CollectAll(r, kT0 + 1));
  EXPECT_EQ(v.size(), 3U);
  EXPECT_EQ(v["m_total{__metrics_gen_instance=\"host1\",cluster=\"c1\",metric_overflow=\"true\"}"],
            2);
  EXPECT_EQ(r.active_series(), 2U);
  EXPECT_EQ(r.stats().series_limited, 2U);
  EXPECT_EQ(r.stats().series_added, 2U);
}

TEST(RegistryTest, StaleSeriesAreRemovedWithAStalenessMarkerAndComeBackInOrder) {
  Registry r(Options());
  Counter* c = r.NewCounter("m_total");
  LabelBuilder& b = r.builder();
  uint64_t ha = Labels(b, {{"service", "a"}});
  c->Inc(b, ha, 1, kT0);
  uint64_t hb = Labels(b, {{"service", "b"}});
  c->Inc(b, hb, 1, kT0 + 5000);
  CollectAll(r, kT0 + 6000);
  EXPECT_EQ(r.RemoveStaleSeries(kT0 + 1000), 1U);  // a is stale
  EXPECT_EQ(r.active_series(), 1U);
  EXPECT_EQ(r.stats().series_removed, 1U);
  // a comes back before the next collection: its staleness marker must precede its new zero.
  ha = Labels(b, {{"service", "a"}});
  c->Inc(b, ha, 7, kT0 + 7000);
  auto series = CollectAll(r, kT0 + 8000);
  std::vector<std::pair<double, int64_t>> a_samples;
  for (const auto& s : series) {
    if (s.Label("service") == "a") {
      a_samples.emplace_back(s.samples[0].value, s.samples[0].timestamp_ms);
    }
  }
  ASSERT_EQ(a_samples.size(), 3U);
  EXPECT_TRUE(IsStaleNaN(a_samples[0].first));
  EXPECT_EQ(a_samples[1].first, 0);
  EXPECT_EQ(a_samples[2].first, 7);
  EXPECT_GT(a_samples[0].second, kT0 + 6000);  // after the last sample sent before
  EXPECT_LT(a_samples[0].second, a_samples[1].second);
  EXPECT_LT(a_samples[1].second, a_samples[2].second);
}

TEST(RegistryTest, ReplacingAMetricDropsItsSeries) {
  Registry r(Options());
  Counter* c = r.NewCounter("m_total");
  uint64_t h = Labels(r.builder(), {{"x", "1"}});
  c->Inc(r.builder(), h, 1, kT0);
  CollectAll(r, kT0 + 1);
  r.NewCounter("m_total");
  auto series = CollectAll(r, kT0 + 2000);
  ASSERT_EQ(series.size(), 1U);
  EXPECT_TRUE(IsStaleNaN(series[0].samples[0].value));
  EXPECT_EQ(r.active_series(), 0U);
}

}  // namespace
}  // namespace vivace::generator
