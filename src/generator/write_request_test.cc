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
