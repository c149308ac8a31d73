#include "distributor/distributor.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "distributor/metrics.h"
#include "tests/support/trace_builder.h"

namespace vivace::distributor {
namespace {

class FakeSink : public TraceSink {
 public:
  void PushTraces(const std::string& tenant, model::RegroupedBatch batch,
                  std::function<void(Status)> done) override {
    tenants.push_back(tenant);
    traces += batch.traces.size();
    spans += batch.span_count;
    done(next);
  }
  std::vector<std::string> tenants;
  size_t traces = 0;
  size_t spans = 0;
  Status next;
};

class DistributorTest : public ::testing::Test {
 protected:
  void Make() {
    overrides_ = std::make_unique<overrides::Overrides>(cfg_.overrides);
    dist_ = std::make_unique<Distributor>(cfg_, overrides_.get(), &sink_, &clock_);
  }
  PushResult Push(const std::string& body, std::optional<std::string> tenant = std::nullopt) {
    PushResult out;
    dist_->Push({tenant, Bytes(body)}, [&](PushResult r) { out = std::move(r); });
    return out;
  }
  double Discarded(const std::string& reason, const std::string& tenant) {
    return DiscardedSpansTotal().WithLabels({reason, tenant}).Value();
  }

  config::Config cfg_;
  FakeSink sink_;
  FakeClock clock_;
  std::unique_ptr<overrides::Overrides> overrides_;
  std::unique_ptr<Distributor> dist_;
};

TEST_F(DistributorTest, AcceptsAndRegroups) {
  Make();
  auto req = testing::MakeTrace({.seed = 1, .spans = 3});
  testing::AppendTrace(&req, {.seed = 2, .spans = 2});
  PushResult r = Push(req.SerializeAsString());
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(sink_.tenants, std::vector<std::string>{"single-tenant"});
  EXPECT_EQ(sink_.traces, 2u);
  EXPECT_EQ(sink_.spans, 5u);
}

TEST_F(DistributorTest, EmptyRequestSucceedsWithoutPushing) {
  Make();
  EXPECT_TRUE(Push("").status.ok());
  EXPECT_TRUE(sink_.tenants.empty());
}

TEST_F(DistributorTest, GarbageIsInvalidArgument) {
  Make();
  PushResult r = Push("\x0a\xff\xff\xff");
  EXPECT_EQ(r.status.code(), Code::kInvalidArgument);
  EXPECT_TRUE(sink_.tenants.empty());
}

TEST_F(DistributorTest, MultitenancyNeedsHeader) {
  cfg_.multitenancy_enabled = true;
  Make();
  std::string body = testing::MakeTrace({.seed = 3}).SerializeAsString();
  EXPECT_EQ(Push(body).status.code(), Code::kUnauthenticated);
  EXPECT_EQ(Push(body, "bad/tenant").status.code(), Code::kInvalidArgument);
  EXPECT_TRUE(Push(body, "team-a").status.ok());
  EXPECT_EQ(sink_.tenants, std::vector<std::string>{"team-a"});
}

TEST_F(DistributorTest, RateLimitedWithTempoMessageAndRetryInfo) {
  cfg_.multitenancy_enabled = true;
  std::string body = testing::MakeTrace({.seed = 4, .spans = 2}).SerializeAsString();
  ASSERT_LT(body.size(), 1000u);
  const size_t burst = body.size() + 10;  // room for one push, not two
  cfg_.overrides.defaults.ingestion_rate_limit_bytes = 1000;
  cfg_.overrides.defaults.ingestion_burst_size_bytes = static_cast<int64_t>(burst);
  Make();
  double before = Discarded("rate_limited", "rl");
  EXPECT_TRUE(Push(body, "rl").status.ok());
  PushResult r = Push(body, "rl");
  ASSERT_EQ(r.status.code(), Code::kResourceExhausted);
  EXPECT_EQ(r.status.message(),
            fmt::format("RATE_LIMITED: ingestion rate limit (local: 1000 bytes/s, global: 1000 "
                        "bytes/s, burst: {} bytes) exceeded while adding {} bytes for user rl. "
                        "consider increasing the limit or reducing ingestion rate.",
                        burst, body.size()));
  EXPECT_EQ(r.retry_after, std::chrono::seconds(5));
  EXPECT_EQ(Discarded("rate_limited", "rl") - before, 2);
  // After a second the bucket has refilled.
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(Push(body, "rl").status.ok());
}

TEST_F(DistributorTest, BatchLargerThanBurst) {
  cfg_.multitenancy_enabled = true;
  cfg_.overrides.defaults.ingestion_rate_limit_bytes = 10;
  cfg_.overrides.defaults.ingestion_burst_size_bytes = 10;
  cfg_.overrides.defaults.ingestion_retry_info_enabled = false;
  Make();
  PushResult r = Push(testing::MakeTrace({.seed = 5}).SerializeAsString(), "big");
  ASSERT_EQ(r.status.code(), Code::kResourceExhausted);
  EXPECT_EQ(r.status.message().rfind("RATE_LIMITED: batch size (", 0), 0u);
  EXPECT_EQ(r.retry_after, Duration(0));
}

TEST_F(DistributorTest, InvalidIdsRejectWholeRequest) {
  cfg_.multitenancy_enabled = true;
  Make();
  auto req = testing::MakeTrace({.seed = 6, .spans = 3});
  req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(2)->set_trace_id("x");
  double before = Discarded("invalid_trace_id", "ids");
  PushResult r = Push(req.SerializeAsString(), "ids");
  EXPECT_EQ(r.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status.message(), "trace ids must be 128 bit, received 8 bits");
  EXPECT_EQ(Discarded("invalid_trace_id", "ids") - before, 3);
  EXPECT_TRUE(sink_.tenants.empty());
}

TEST_F(DistributorTest, SinkErrorsReachTheCaller) {
  Make();
  sink_.next = Status::Unavailable("ingester stopping");
  PushResult r = Push(testing::MakeTrace({.seed = 7}).SerializeAsString());
  EXPECT_EQ(r.status.code(), Code::kUnavailable);
}

}  // namespace
}  // namespace vivace::distributor
