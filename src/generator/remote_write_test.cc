#include "generator/remote_write.h"

#include <gtest/gtest.h>

#include "generator/fake_prometheus.h"

namespace vivace::generator {
namespace {

using testutil::FakePrometheus;

std::string Request(double value) {
  WriteRequestBuilder b;
  b.Add(EncodeLabels({{"__name__", "m_total"}}), value, 1000);
  return b.Take();
}

config::RemoteWriteConfig Config(const std::string& url) {
  config::RemoteWriteConfig c;
  c.url = url;
  c.queue.min_backoff = std::chrono::milliseconds(1);
  c.queue.max_backoff = std::chrono::milliseconds(20);
  c.headers = {{"X-Extra", "1"}};
  return c;
}

TEST(RemoteWriteTest, SendsInOrderWithPrometheusHeadersAndRetries) {
  FakePrometheus prom;
  ASSERT_TRUE(prom.Start().ok());
  prom.Script({500, 503});
  auto w = RemoteWriter::Create(Config(prom.url()), 0);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  (*w)->Start();
  for (int i = 0; i < 5; ++i) {
    (*w)->Enqueue("t1", {{"X-Scope-OrgID", "t1"}}, Request(i), 1, 0);
  }
  ASSERT_TRUE((*w)->WaitIdle(std::chrono::seconds(30)));
  auto got = prom.received();
  ASSERT_EQ(got.size(), 5U);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(got[i].request.series[0].samples[0].value, i);
  }
  EXPECT_EQ(got[0].Header("content-type"), "application/x-protobuf");
  EXPECT_EQ(got[0].Header("x-prometheus-remote-write-version"), "0.1.0");
  EXPECT_EQ(got[0].Header("x-scope-orgid"), "t1");
  EXPECT_EQ(got[0].Header("x-extra"), "1");
  EXPECT_EQ(got[0].Header("retry-attempt"), "2");
  EXPECT_EQ(got[1].Header("retry-attempt"), "");
  EXPECT_EQ(prom.attempts(), 7);
  (*w)->Stop(std::chrono::seconds(1));
  prom.Stop();
}

TEST(RemoteWriteTest, ClientErrorsDropTheBatch) {
  FakePrometheus prom;
  ASSERT_TRUE(prom.Start().ok());
  prom.Script({400, 429});
  auto w = RemoteWriter::Create(Config(prom.url()), 0);
  ASSERT_TRUE(w.ok());
  (*w)->Start();
  for (int i = 0; i < 3; ++i) {
    (*w)->Enqueue("t1", {}, Request(i), 1, 0);
  }
  ASSERT_TRUE((*w)->WaitIdle(std::chrono::seconds(30)));
  auto got = prom.received();
  ASSERT_EQ(got.size(), 1U);  // 400 and 429 (retry_on_http_429 off) are not retried
  EXPECT_EQ(got[0].request.series[0].samples[0].value, 2);
  (*w)->Stop(std::chrono::seconds(1));
  prom.Stop();
}

TEST(RemoteWriteTest, QueueBoundDropsOldestWhileDown) {
  config::RemoteWriteConfig c = Config("http://127.0.0.1:1/api/v1/write");
  c.queue.capacity = 3;
  c.queue.max_shards = 1;
  c.remote_timeout = std::chrono::milliseconds(200);
  auto w = RemoteWriter::Create(c, 0);
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 6; ++i) {
    (*w)->Enqueue("t1", {}, Request(i), 1, 0);
  }
  EXPECT_EQ((*w)->pending_samples(), 3U);
  (*w)->Stop(std::chrono::milliseconds(0));
  EXPECT_EQ((*w)->pending_samples(), 0U);
}

TEST(RemoteWriteTest, BadUrlsAreRejected) {
  config::RemoteWriteConfig c;
  c.url = "https://prom/api/v1/write";
  EXPECT_EQ(RemoteWriter::Create(c, 0).status().code(), Code::kInvalidArgument);
  c.url = "prom:9090";
  EXPECT_FALSE(RemoteWriter::Create(c, 0).ok());
}

TEST(RemoteWriteTest, AuthHeaders) {
  config::RemoteWriteConfig c;
  c.url = "http://127.0.0.1:9/x";
  c.basic_auth_username = "u";
  c.basic_auth_password = "p";
  auto w = RemoteWriter::Create(c, 3);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ((*w)->name(), "remote-write-3");
  ASSERT_EQ((*w)->static_headers().size(), 1U);
  EXPECT_EQ((*w)->static_headers()[0].second, "Basic dTpw");
}

}  // namespace
}  // namespace vivace::generator
