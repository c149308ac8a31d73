#include "generator/write_request.h"

#include <cmath>

#include <gtest/gtest.h>

namespace vivace::generator {
namespace {

TEST(WriteRequestTest, RoundTripsSeriesSamplesAndExemplars) {
  std::string labels = EncodeLabels({{"job", "x"}, {"__name__", "m_total"}, {"a", "b"}});
  WriteRequestBuilder b;
  b.Add(labels, 0, 999);
  ExemplarRef ex{"traceID", "abc123", 0.25, 1000};
  b.Add(labels, 42.5, 1000, &ex);
  b.Add(labels, StaleNaN(), 1001);
  EXPECT_EQ(b.samples(), 3U);
  EXPECT_EQ(b.exemplars(), 1U);
  std::string body = b.Take();
  EXPECT_TRUE(b.empty());

  auto compressed = SnappyCompress(body);
  auto raw = SnappyUncompress(compressed, 1 << 20);
  ASSERT_TRUE(raw.ok());
  auto req = DecodeWriteRequest(*raw);
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  ASSERT_EQ(req->series.size(), 3U);
  const DecodedSeries& s = req->series[1];
  ASSERT_EQ(s.labels.size(), 3U);
  EXPECT_EQ(s.labels[0].name, "__name__");  // sorted by name
  EXPECT_EQ(s.labels[1].name, "a");
  EXPECT_EQ(s.Label("job"), "x");
  ASSERT_EQ(s.samples.size(), 1U);
  EXPECT_EQ(s.samples[0].value, 42.5);
  EXPECT_EQ(s.samples[0].timestamp_ms, 1000);
  ASSERT_EQ(s.exemplars.size(), 1U);
  EXPECT_EQ(s.exemplars[0].labels[0].name, "traceID");
  EXPECT_EQ(s.exemplars[0].labels[0].value, "abc123");
  EXPECT_EQ(s.exemplars[0].value, 0.25);
  EXPECT_TRUE(std::isnan(req->series[2].samples[0].value));
  EXPECT_TRUE(IsStaleNaN(req->series[2].samples[0].value));
}

TEST(WriteRequestTest, RoundTripsNativeHistograms) {
  std::string labels = EncodeLabels({{"__name__", "lat"}});
  NativeHistogramValue h;
  h.schema = -2;
  h.count = 17;
  h.sum = 3.5;
  h.zero_count = 2;
  h.buckets = {{-3, 4}, {-2, 1}, {0, 6}, {5, 4}};
  h.reset = true;
  ExemplarRef ex[2] = {{"traceID", "aa", 0.1, 500}, {"traceID", "bb", 0.2, 500}};
  WriteRequestBuilder b;
  b.AddHistogram(labels, h, 500, ex, 2);
  b.AddHistogram(labels, NativeHistogramValue{}, 400);
  EXPECT_EQ(b.samples(), 2U);
  EXPECT_EQ(b.exemplars(), 2U);
  auto req = DecodeWriteRequest(b.Take());
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  ASSERT_EQ(req->series.size(), 2U);
  const DecodedSeries& s = req->series[0];
  EXPECT_TRUE(s.samples.empty());
  ASSERT_EQ(s.histograms.size(), 1U);
  EXPECT_EQ(s.exemplars.size(), 2U);
  const DecodedHistogram& d = s.histograms[0];
  EXPECT_EQ(d.count_int, 17U);
  EXPECT_EQ(d.sum, 3.5);
  EXPECT_EQ(d.schema, -2);
  EXPECT_EQ(d.zero_threshold, kNativeZeroThreshold);
  EXPECT_EQ(d.zero_count_int, 2U);
  EXPECT_EQ(d.reset_hint, 1);
  EXPECT_EQ(d.timestamp_ms, 500);
  // Three spans: [-3, -2], [0], [5]; deltas against the previous bucket.
  ASSERT_EQ(d.positive_spans.size(), 3U);
  EXPECT_EQ(d.positive_spans[0].offset, -3);
  EXPECT_EQ(d.positive_spans[0].length, 2U);
  EXPECT_EQ(d.positive_spans[1].offset, 1);
  EXPECT_EQ(d.positive_spans[2].offset, 4);
  EXPECT_EQ(d.positive_deltas, (std::vector<int64_t>{4, -3, 5, -2}));
  auto buckets = d.PositiveBuckets();
  ASSERT_TRUE(buckets.ok());
  EXPECT_EQ(*buckets, (std::vector<std::pair<int32_t, int64_t>>{{-3, 4}, {-2, 1}, {0, 6}, {5, 4}}));
  const DecodedHistogram& zero = req->series[1].histograms[0];
  EXPECT_EQ(zero.count_int, 0U);
  EXPECT_TRUE(zero.positive_spans.empty());
  EXPECT_EQ(zero.reset_hint, 0);
}

TEST(WriteRequestTest, BadInputIsAnError) {
  EXPECT_EQ(SnappyUncompress(std::string("not snappy at all"), 1 << 20).status().code(),
            Code::kInvalidArgument);
  std::string big = SnappyCompress(std::string(10000, 'a'));
  EXPECT_EQ(SnappyUncompress(big, 100).status().code(), Code::kResourceExhausted);
  EXPECT_FALSE(DecodeWriteRequest(std::string("\x0a\x05\x0a", 3)).ok());
  EXPECT_TRUE(DecodeWriteRequest(std::string()).ok());
}

}  // namespace
}  // namespace vivace::generator
