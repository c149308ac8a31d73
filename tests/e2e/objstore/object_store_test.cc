// End to end on object storage: the real vivace binary (monolithic, as `make run` starts it)
// with storage.trace.backend s3 (s3rver behind the SigV4-checking proxy) and azure (Azurite),
// configured with Tempo's keys. Traces are ingested over OTLP gRPC, flushed into blocks in the
// bucket, queried by ID; then a second vivace with empty local directories finds them in the
// bucket (blocklist poll, bloom, index and data reads over HTTP). GCS runs against
// gcp-storage-emulator with `insecure` (no auth). The compactor merges the blocks in the
// bucket.

#include <signal.h>
#include <stdio.h>

#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "backend/azure/azure_backend.h"
#include "backend/block_store.h"
#include "backend/gcs/gcs_backend.h"
#include "backend/local_backend.h"
#include "backend/s3/s3_backend.h"
#include "common/hex.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "tempopb/tempo.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/object_store_peers.h"
#include "tests/support/trace_builder.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

namespace fs = std::filesystem;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using opentelemetry::proto::collector::trace::v1::TraceService;

struct Store {
  std::string yaml;                              // storage.trace lines
  std::unique_ptr<backend::RawBackend> backend;  // the same bucket, for inspection
  std::string cleanup;                           // a local bucket directory to remove
};

Result<Store> MakeS3(const ObjectStorePeers& peers) {
  std::string bucket = UniqueBucketName("e2e");
  backend::s3::S3Options o;
  o.endpoint = fmt::format("127.0.0.1:{}", peers.s3_port);
  o.bucket = bucket;
  o.prefix = "tempo";
  o.insecure = true;
  o.path_style = true;
  o.credentials = {ObjectStorePeers::kS3AccessKey, ObjectStorePeers::kS3SecretKey, ""};
  auto b = std::make_unique<backend::s3::S3Backend>(o);
  VV_RETURN_IF_ERROR(b->CreateBucket());
  Store s;
  s.yaml = fmt::format(
      "    backend: s3\n    s3:\n      bucket: {}\n      prefix: tempo\n"
      "      endpoint: 127.0.0.1:{}\n      insecure: true\n      forcepathstyle: true\n"
      "      access_key: {}\n      secret_key: {}\n      part_size: 5242880\n",
      bucket, peers.s3_port, ObjectStorePeers::kS3AccessKey, ObjectStorePeers::kS3SecretKey);
  s.backend = std::move(b);
  return s;
}

Result<Store> MakeAzure(const ObjectStorePeers& peers) {
  std::string container = UniqueBucketName("e2e");
  backend::azure::AzureOptions o;
  o.account = ObjectStorePeers::kAzureAccount;
  o.account_key = ObjectStorePeers::kAzureKey;
  o.container = container;
  o.prefix = "tempo";
  o.endpoint_suffix = fmt::format("127.0.0.1:{}", peers.azurite_port);
  auto b = std::make_unique<backend::azure::AzureBackend>(o);
  VV_RETURN_IF_ERROR(b->CreateContainer());
  Store s;
  s.yaml = fmt::format(
      "    backend: azure\n    azure:\n      container_name: {}\n      prefix: tempo\n"
      "      storage_account_name: {}\n      storage_account_key: {}\n"
      "      endpoint_suffix: 127.0.0.1:{}\n",
      container, ObjectStorePeers::kAzureAccount, ObjectStorePeers::kAzureKey, peers.azurite_port);
  s.backend = std::move(b);
  return s;
}

Result<Store> MakeGcs(const ObjectStorePeers& peers) {
  if (peers.gcs_port == 0) {
    return Status::Unavailable("gcp-storage-emulator is not installed");
  }
  backend::gcs::GcsOptions o;
  o.bucket = UniqueBucketName("e2e");
  o.endpoint = fmt::format("http://127.0.0.1:{}", peers.gcs_port);
  o.insecure = true;
  auto b = std::make_unique<backend::gcs::GcsBackend>(o);
  VV_RETURN_IF_ERROR(b->CreateBucket());
  Store s;
  s.yaml = fmt::format(
      "    backend: gcs\n    gcs:\n      bucket_name: {}\n      prefix: tempo\n"
      "      endpoint: http://127.0.0.1:{}/storage/v1/\n      insecure: true\n",
      o.bucket, peers.gcs_port);
  o.prefix = "tempo";
  s.backend = std::make_unique<backend::gcs::GcsBackend>(o);
  return s;
}

// The local backend as the baseline the object stores must match.
Result<Store> MakeLocal() {
  char tmpl[] = "/tmp/vivace-objstore-e2e-bucket-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  Store s;
  s.yaml = fmt::format("    backend: local\n    local:\n      path: {}\n", dir);
  s.backend = std::make_unique<backend::LocalBackend>(dir);
  s.cleanup = dir;
  return s;
}

// Runs vivace-cli with `args`; its stdout and stderr.
std::string RunCli(const std::string& args) {
  std::string cmd = std::string(VV_CLI_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    return "popen failed";
  }
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
    out.append(buf, n);
  }
  pclose(p);
  return out;
}

class ObjectStoreE2eTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto& peers = ObjectStorePeers::Get();
    if (GetParam() != "local" && !peers.ok()) {
      GTEST_SKIP() << peers.status().message();
    }
    if (GetParam() == "gcs" && peers->gcs_port == 0) {
      GTEST_SKIP() << "gcp-storage-emulator is not installed (pip into the build tree failed)";
    }
    auto store = GetParam() == "local" ? MakeLocal()
                 : GetParam() == "s3"  ? MakeS3(*peers)
                 : GetParam() == "gcs" ? MakeGcs(*peers)
                                       : MakeAzure(*peers);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  void TearDown() override {
    proc_.reset();
    if (!store_.cleanup.empty()) {
      fs::remove_all(store_.cleanup);
    }
    for (const std::string& d : dirs_) {
      fs::remove_all(d);
    }
  }

  void Start(const std::string& extra_yaml = "", const std::vector<std::string>& args = {}) {
    proc_.reset();
    char tmpl[] = "/tmp/vivace-objstore-e2e-XXXXXX";
    dirs_.emplace_back(mkdtemp(tmpl));
    VivaceProcess::Options o{.extra_yaml = extra_yaml,
                             .storage_yaml = store_.yaml,
                             .args = args,
                             .data_dir = dirs_.back()};
    o.otlp = args.empty();  // the -target=... runs have no receivers
    auto p = VivaceProcess::Start(o);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    proc_ = std::move(p).value();
    http_ = std::make_unique<HttpClient>("127.0.0.1", proc_->http_port());
  }

  void Push(const ExportRequest& req) {
    auto stub = TraceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(proc_->port("otlp-grpc")),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ExportTraceServiceResponse resp;
    ASSERT_TRUE(stub->Export(&ctx, req, &resp).ok());
  }

  // Span count of the trace as served, -1 when not found.
  int Spans(uint64_t seed, const std::string& params = "") {
    auto r = http_->Get("/api/traces/" + HexEncode(TestTraceId(seed)) + params,
                        {{"Accept", "application/protobuf"}});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r->status == 404) {
      return -1;
    }
    EXPECT_EQ(r->status, 200) << r->body;
    tempopb::Trace trace;
    EXPECT_TRUE(trace.ParseFromString(r->body));
    int n = 0;
    for (const auto& rs : trace.resourcespans()) {
      for (const auto& ss : rs.scope_spans()) {
        n += ss.spans_size();
      }
    }
    return n;
  }

  Store store_;
  std::vector<std::string> dirs_;
  std::unique_ptr<VivaceProcess> proc_;
  std::unique_ptr<HttpClient> http_;
};

TEST_P(ObjectStoreE2eTest, IngestFlushQueryAndRestartOnAnotherMachine) {
  Start();
  ExportRequest req = MakeTrace({.seed = 11, .spans = 7});
  AppendTrace(&req, {.seed = 12, .spans = 3, .service = "other"});
  Push(req);
  Push(MakeTrace({.seed = 13, .spans = 20}));
  EXPECT_EQ(Spans(11), 7);
  EXPECT_EQ(Spans(13), 20);

  auto flush = http_->Get("/flush?wait=true");
  ASSERT_TRUE(flush.ok());
  ASSERT_EQ(flush->status, 204) << flush->body;

  // The block is in the bucket under the prefix, meta.json included.
  backend::BlockStore blocks(*store_.backend);
  auto listing = blocks.ListBlocks("single-tenant");
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  ASSERT_EQ(listing->live.size(), 1u);
  auto meta = blocks.ReadBlockMeta("single-tenant", listing->live[0]);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(Spans(11, "?mode=blocks"), 7);

  // vivace-cli reads the same bucket from the same config file.
  std::string out = RunCli("list blocks single-tenant -c " + dirs_.back() + "/vivace.yaml");
  EXPECT_NE(out.find(listing->live[0].ToString()), std::string::npos) << out;
  EXPECT_EQ(Spans(13, "?mode=blocks"), 20);

  // A second vivace with nothing on local disk serves the traces from the bucket.
  EXPECT_EQ(proc_->StopWith(SIGTERM), 0);
  Start();
  EXPECT_EQ(Spans(11, "?mode=ingesters"), -1);
  EXPECT_EQ(Spans(11), 7);
  EXPECT_EQ(Spans(12), 3);
  EXPECT_EQ(Spans(13), 20);
  EXPECT_EQ(Spans(99), -1);
  auto metrics = http_->Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("tempodb_backend_request_duration_seconds_count{operation=\"GET\""),
            std::string::npos);
}

// The compactor (alone, -target=compactor) merges the blocks in the bucket: meta.compacted.json
// replaces the inputs' meta.json (copy then delete: object stores cannot rename), and a new
// monolithic process reads every trace back whole from the compacted block.
TEST_P(ObjectStoreE2eTest, CompactsTheBlocksInTheBucket) {
  const std::string no_compaction =
      "overrides:\n  defaults:\n    compaction:\n      compaction_disabled: true\n";
  Start(no_compaction);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    Push(MakeTrace({.seed = seed, .spans = 3}));
    Push(MakeTrace({.seed = 100, .spans = static_cast<int>(seed) + 2}));  // in every block
    auto flush = http_->Get("/flush?wait=true");
    ASSERT_TRUE(flush.ok());
    ASSERT_EQ(flush->status, 204) << flush->body;
  }
  backend::BlockStore blocks(*store_.backend);
  ASSERT_EQ(blocks.ListBlocks("single-tenant")->live.size(), 3u);

  Start("backend_worker:\n  compaction:\n    compaction_cycle: 50ms\n", {"-target=compactor"});
  const std::string done = "tempodb_compaction_blocks_total{level=\"1\"} 3";
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  std::string metrics;
  while (std::chrono::steady_clock::now() < give_up) {
    auto m = http_->Get("/metrics");
    metrics = m.ok() ? m->body : "";
    if (metrics.find(done) != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling, not timing
  }
  ASSERT_NE(metrics.find(done), std::string::npos) << proc_->logs();
  auto listing = blocks.ListBlocks("single-tenant");
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  EXPECT_EQ(listing->live.size(), 1u);
  EXPECT_EQ(listing->compacted.size(), 3u);

  Start(no_compaction);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    EXPECT_EQ(Spans(seed, "?mode=blocks"), 3) << seed;
  }
  EXPECT_EQ(Spans(100, "?mode=blocks"), 5);  // the three parts combined, once each
}

TEST_P(ObjectStoreE2eTest, WrongCredentialsFailTheFlushWithAClearLog) {
  if (GetParam() == "local" || GetParam() == "gcs") {
    GTEST_SKIP() << GetParam() << " has no credentials here (the GCS emulator checks none)";
  }
  Store bad;
  bad.yaml = store_.yaml;
  size_t at = bad.yaml.find(GetParam() == "s3" ? "secret_key: " : "storage_account_key: ");
  ASSERT_NE(at, std::string::npos);
  size_t end = bad.yaml.find('\n', at);
  bad.yaml.replace(at, end - at,
                   GetParam() == "s3" ? "secret_key: wrong" : "storage_account_key: d3Jvbmc=");
  std::swap(store_.yaml, bad.yaml);
  Start();
  Push(MakeTrace({.seed = 21, .spans = 2}));
  EXPECT_EQ(Spans(21), 2);  // still served from memory
  auto flush = http_->Get("/flush");
  ASSERT_TRUE(flush.ok());
  // The flush worker retries; its failure is logged with the store's reason.
  std::string want = GetParam() == "s3" ? "SignatureDoesNotMatch" : "403";
  EXPECT_TRUE(proc_->WaitForLog(want)) << proc_->logs();
  EXPECT_EQ(Spans(21), 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, ObjectStoreE2eTest,
                         ::testing::Values("local", "s3", "azure", "gcs"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace vivace::testing
