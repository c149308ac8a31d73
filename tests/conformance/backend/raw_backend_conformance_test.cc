// The one conformance suite every RawBackend must pass (Jaeger's storage-integration idea):
// each implementation registers a factory below and gets every test. The object stores run
// against real servers: S3 against s3rver behind a SigV4-checking proxy, Azure against
// Azurite (which verifies SharedKey signatures, and SAS tokens signed by its own code);
// without them (npm packages not installable)
// those instantiations skip.

#include <stdio.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/azure/azure_backend.h"
#include "backend/gcs/gcs_backend.h"
#include "backend/local_backend.h"
#include "backend/memory_backend.h"
#include "backend/raw_backend.h"
#include "backend/s3/s3_backend.h"
#include "tests/support/object_store_peers.h"

namespace vivace::backend {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A backend under test plus whatever it needs cleaned up.
class Fixture {
 public:
  Fixture() = default;
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;
  Fixture(Fixture&&) = delete;
  Fixture& operator=(Fixture&&) = delete;
  virtual ~Fixture() = default;
  virtual RawBackend& backend() = 0;

  // The same store reached with a wrong secret, or nullptr when the backend has no
  // credentials.
  virtual std::unique_ptr<RawBackend> WithWrongCredentials() { return nullptr; }

  // Why the backend cannot be tested here ("" when it can).
  virtual std::string skip_reason() const { return ""; }

  // Why the server behind the backend may show a reader half of a replaced object ("" when
  // replacement is atomic, as in every real store).
  virtual std::string torn_replace_reason() const { return ""; }
};

class MemoryFixture final : public Fixture {
 public:
  RawBackend& backend() override { return backend_; }

 private:
  InMemoryBackend backend_;
};

class LocalFixture final : public Fixture {
 public:
  LocalFixture() {
    std::string tmpl = ::testing::TempDir() + "vv-backend-XXXXXX";
    dir_ = mkdtemp(tmpl.data());
    // A root below the temp dir that does not exist yet: the first write creates it.
    backend_ = std::make_unique<LocalBackend>(dir_ + "/root");
  }

  ~LocalFixture() override { std::filesystem::remove_all(dir_); }

  LocalFixture(const LocalFixture&) = delete;
  LocalFixture& operator=(const LocalFixture&) = delete;
  LocalFixture(LocalFixture&&) = delete;
  LocalFixture& operator=(LocalFixture&&) = delete;

  RawBackend& backend() override { return *backend_; }

 private:
  std::string dir_;
  std::unique_ptr<LocalBackend> backend_;
};

s3::S3Options S3OptionsFor(const testing::ObjectStorePeers& peers, const std::string& bucket) {
  s3::S3Options o;
  o.endpoint = "127.0.0.1:" + std::to_string(peers.s3_port);
  o.bucket = bucket;
  o.prefix = "some/prefix";
  o.insecure = true;
  o.path_style = true;
  o.credentials = {testing::ObjectStorePeers::kS3AccessKey, testing::ObjectStorePeers::kS3SecretKey,
                   ""};
  o.part_size = 256 * 1024;  // small parts, so the tests exercise multipart uploads
  o.retry.max_attempts = 2;
  o.retry.initial_backoff = std::chrono::milliseconds(10);
  return o;
}

class S3Fixture final : public Fixture {
 public:
  S3Fixture() {
    const auto& peers = testing::ObjectStorePeers::Get();
    if (!peers.ok()) {
      skip_ = std::string(peers.status().message());
      return;
    }
    options_ = S3OptionsFor(*peers, testing::UniqueBucketName("conf"));
    backend_ = std::make_unique<s3::S3Backend>(options_);
    if (Status s = backend_->CreateBucket(); !s.ok()) {
      skip_ = "cannot create a bucket on s3rver: " + s.ToString();
    }
  }

  RawBackend& backend() override { return *backend_; }

  std::unique_ptr<RawBackend> WithWrongCredentials() override {
    s3::S3Options o = options_;
    o.credentials.secret_key = "not-the-secret";
    return std::make_unique<s3::S3Backend>(o);
  }

  std::string skip_reason() const override { return skip_; }

  // Real S3 replaces objects atomically; s3rver's filesystem store truncates the file and
  // streams the new body into it, so a concurrent GET can return a prefix.
  std::string torn_replace_reason() const override {
    return "s3rver rewrites objects in place (real S3 replaces them atomically)";
  }

 private:
  std::string skip_;
  s3::S3Options options_;
  std::unique_ptr<s3::S3Backend> backend_;
};

azure::AzureOptions AzureOptionsFor(const testing::ObjectStorePeers& peers,
                                    const std::string& container) {
  azure::AzureOptions o;
  o.account = testing::ObjectStorePeers::kAzureAccount;
  o.account_key = testing::ObjectStorePeers::kAzureKey;
  o.container = container;
  o.prefix = "some/prefix";
  o.endpoint_suffix = "127.0.0.1:" + std::to_string(peers.azurite_port);
  o.block_size = 256 * 1024;  // small blocks, so the tests stage several
  o.list_page_size = 500;     // and page through listings
  o.retry.max_attempts = 2;
  o.retry.initial_backoff = std::chrono::milliseconds(10);
  return o;
}

class AzureFixture final : public Fixture {
 public:
  AzureFixture() {
    const auto& peers = testing::ObjectStorePeers::Get();
    if (!peers.ok()) {
      skip_ = std::string(peers.status().message());
      return;
    }
    options_ = AzureOptionsFor(*peers, testing::UniqueBucketName("conf"));
    backend_ = std::make_unique<azure::AzureBackend>(options_);
    if (Status s = backend_->CreateContainer(); !s.ok()) {
      skip_ = "cannot create a container on Azurite: " + s.ToString();
    }
  }

  RawBackend& backend() override { return *backend_; }

  std::unique_ptr<RawBackend> WithWrongCredentials() override {
    azure::AzureOptions o = options_;
    o.account_key = "bm90IHRoZSBrZXk=";  // "not the key"
    return std::make_unique<azure::AzureBackend>(o);
  }

  std::string skip_reason() const override { return skip_; }

 private:
  std::string skip_;
  azure::AzureOptions options_;
  std::unique_ptr<azure::AzureBackend> backend_;
};

// An account SAS for Azurite's account, made by Azurite's own signing code
// (tests/e2e/objstore/make-sas.mjs) with the given key; "" when node fails.
std::string AzuriteAccountSas(const testing::ObjectStorePeers& peers, const std::string& key) {
  const std::string cmd = fmt::format("node {}/make-sas.mjs {} '{}' rwdlac 2099-01-01T00:00:00Z",
                                      peers.dir, testing::ObjectStorePeers::kAzureAccount, key);
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    return "";
  }
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr) {
    out += buf;
  }
  if (pclose(p) != 0) {
    return "";
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

// Azure with a shared access signature instead of the account key (Vivace's `sas_token`).
class AzureSasFixture final : public Fixture {
 public:
  AzureSasFixture() {
    const auto& peers = testing::ObjectStorePeers::Get();
    if (!peers.ok()) {
      skip_ = std::string(peers.status().message());
      return;
    }
    options_ = AzureOptionsFor(*peers, testing::UniqueBucketName("sas"));
    if (Status s = azure::AzureBackend(options_).CreateContainer(); !s.ok()) {
      skip_ = "cannot create a container on Azurite: " + s.ToString();
      return;
    }
    // Made once per run: each is a node start.
    static const std::string sas = AzuriteAccountSas(*peers, testing::ObjectStorePeers::kAzureKey);
    static const std::string wrong_sas = AzuriteAccountSas(*peers, "bm90IHRoZSBrZXk=");
    options_.sas_token = sas;
    wrong_sas_ = wrong_sas;
    if (options_.sas_token.empty() || wrong_sas_.empty()) {
      skip_ = "node make-sas.mjs failed: cannot make a SAS token";
      return;
    }
    options_.account_key.clear();
    backend_ = std::make_unique<azure::AzureBackend>(options_);
  }

  RawBackend& backend() override { return *backend_; }

  std::unique_ptr<RawBackend> WithWrongCredentials() override {
    azure::AzureOptions o = options_;
    o.sas_token = wrong_sas_;
    return std::make_unique<azure::AzureBackend>(o);
  }

  std::string skip_reason() const override { return skip_; }

 private:
  std::string skip_;
  std::string wrong_sas_;
  azure::AzureOptions options_;
  std::unique_ptr<azure::AzureBackend> backend_;
};

// GCS against gcp-storage-emulator (JSON API, no auth: `insecure`, as Tempo's emulator
// setups). Signing and the token exchange are unit-tested in gcs_auth_test.cc.
class GcsFixture final : public Fixture {
 public:
  GcsFixture() {
    const auto& peers = testing::ObjectStorePeers::Get();
    if (!peers.ok()) {
      skip_ = std::string(peers.status().message());
      return;
    }
    if (peers->gcs_port == 0) {
      skip_ = "gcp-storage-emulator is not installed (pip into the build tree failed)";
      return;
    }
    gcs::GcsOptions o;
    o.bucket = testing::UniqueBucketName("conf");
    o.prefix = "some/prefix";
    o.endpoint = "http://127.0.0.1:" + std::to_string(peers->gcs_port) + "/storage/v1/";
    o.insecure = true;
    o.chunk_size = 256 * 1024;  // the smallest chunk: the tests exercise resumable uploads
    o.list_page_size = 500;
    o.retry.max_attempts = 2;
    o.retry.initial_backoff = std::chrono::milliseconds(10);
    backend_ = std::make_unique<gcs::GcsBackend>(o);
    if (Status s = backend_->CreateBucket(); !s.ok()) {
      skip_ = "cannot create a bucket on the GCS emulator: " + s.ToString();
    }
  }

  RawBackend& backend() override { return *backend_; }

  std::string skip_reason() const override { return skip_; }

 private:
  std::string skip_;
  std::unique_ptr<gcs::GcsBackend> backend_;
};

struct Implementation {
  std::string name;
  std::function<std::unique_ptr<Fixture>()> make;
};

void PrintTo(const Implementation& impl, std::ostream* os) { *os << impl.name; }

class RawBackendConformanceTest : public ::testing::TestWithParam<Implementation> {
 protected:
  void SetUp() override {
    fixture_ = GetParam().make();
    if (!fixture_->skip_reason().empty()) {
      GTEST_SKIP() << fixture_->skip_reason();
    }
  }

  RawBackend& b() { return fixture_->backend(); }

  std::unique_ptr<Fixture> fixture_;
};

TEST_P(RawBackendConformanceTest, WriteThenRead) {
  ASSERT_TRUE(b().Write("t/b/meta.json", ByteView(std::string_view("{}"))).ok());
  auto r = b().Read("t/b/meta.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "{}");
  auto size = b().Size("t/b/meta.json");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 2u);
}

TEST_P(RawBackendConformanceTest, EmptyObject) {
  ASSERT_TRUE(b().Write("t/empty", ByteView()).ok());
  auto r = b().Read("t/empty");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
  EXPECT_EQ(*b().Size("t/empty"), 0u);
  auto range = b().ReadRange("t/empty", 0, 0);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(*range, "");
}

TEST_P(RawBackendConformanceTest, BinaryDataRoundTrips) {
  std::string data;
  for (int i = 0; i < 300000; ++i) {
    data += static_cast<char>(i * 7 % 256);
  }
  ASSERT_TRUE(b().Write("t/b/data", ByteView(data)).ok());
  EXPECT_EQ(*b().Read("t/b/data"), data);
}

TEST_P(RawBackendConformanceTest, OverwriteReplacesWholeObject) {
  ASSERT_TRUE(b().Write("t/k", ByteView(std::string_view("a long first version"))).ok());
  ASSERT_TRUE(b().Write("t/k", ByteView(std::string_view("short"))).ok());
  EXPECT_EQ(*b().Read("t/k"), "short");
  EXPECT_EQ(*b().Size("t/k"), 5u);
}

TEST_P(RawBackendConformanceTest, MissingObjectIsNotFound) {
  EXPECT_EQ(b().Read("t/b/meta.json").status().code(), Code::kNotFound);
  EXPECT_EQ(b().ReadRange("t/b/meta.json", 0, 1).status().code(), Code::kNotFound);
  EXPECT_EQ(b().Size("t/b/meta.json").status().code(), Code::kNotFound);
}

TEST_P(RawBackendConformanceTest, PrefixIsNotAnObject) {
  ASSERT_TRUE(b().Write("t/b/meta.json", ByteView(std::string_view("x"))).ok());
  EXPECT_EQ(b().Read("t/b").status().code(), Code::kNotFound);
  EXPECT_EQ(b().Size("t").status().code(), Code::kNotFound);
  EXPECT_TRUE(b().Delete("t/b").ok());
  EXPECT_TRUE(b().Read("t/b/meta.json").ok());
}

TEST_P(RawBackendConformanceTest, ReadRange) {
  ASSERT_TRUE(b().Write("t/data", ByteView(std::string_view("0123456789"))).ok());
  EXPECT_EQ(*b().ReadRange("t/data", 0, 10), "0123456789");
  EXPECT_EQ(*b().ReadRange("t/data", 3, 4), "3456");
  EXPECT_EQ(*b().ReadRange("t/data", 9, 1), "9");
  EXPECT_EQ(*b().ReadRange("t/data", 10, 0), "");
}

TEST_P(RawBackendConformanceTest, ReadRangePastEndIsOutOfRange) {
  ASSERT_TRUE(b().Write("t/data", ByteView(std::string_view("0123456789"))).ok());
  EXPECT_EQ(b().ReadRange("t/data", 5, 6).status().code(), Code::kOutOfRange);
  EXPECT_EQ(b().ReadRange("t/data", 11, 0).status().code(), Code::kOutOfRange);
  EXPECT_EQ(b().ReadRange("t/data", 10, 1).status().code(), Code::kOutOfRange);
  // offset + length overflows uint64.
  EXPECT_EQ(b().ReadRange("t/data", 2, UINT64_MAX).status().code(), Code::kOutOfRange);
  EXPECT_EQ(b().ReadRange("t/data", UINT64_MAX, 2).status().code(), Code::kOutOfRange);
}

TEST_P(RawBackendConformanceTest, AppendIsInvisibleUntilClose) {
  auto w = b().Append("t/b/data");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append(ByteView(std::string_view("hello "))).ok());
  ASSERT_TRUE((*w)->Append(ByteView()).ok());
  ASSERT_TRUE((*w)->Append(ByteView(std::string_view("world"))).ok());
  EXPECT_EQ(b().Read("t/b/data").status().code(), Code::kNotFound);
  EXPECT_THAT(*b().List("t/b"), IsEmpty());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*b().Read("t/b/data"), "hello world");
  EXPECT_THAT(*b().List("t/b"), ElementsAre("data"));
  EXPECT_EQ((*w)->Close().code(), Code::kFailedPrecondition);
  EXPECT_EQ((*w)->Append(ByteView(std::string_view("x"))).code(), Code::kFailedPrecondition);
}

TEST_P(RawBackendConformanceTest, AppendLargeObjectInParts) {
  auto w = b().Append("t/b/data");
  ASSERT_TRUE(w.ok());
  std::string expect;
  for (int part = 0; part < 20; ++part) {
    std::string chunk(100000, static_cast<char>('a' + part));
    expect += chunk;
    ASSERT_TRUE((*w)->Append(ByteView(chunk)).ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*b().Size("t/b/data"), expect.size());
  EXPECT_EQ(*b().ReadRange("t/b/data", 150000, 100000), expect.substr(150000, 100000));
}

TEST_P(RawBackendConformanceTest, AbandonedAppendLeavesNothing) {
  {
    auto w = b().Append("t/b/data");
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(ByteView(std::string_view("partial"))).ok());
  }
  EXPECT_EQ(b().Read("t/b/data").status().code(), Code::kNotFound);
  EXPECT_THAT(*b().List("t/b"), IsEmpty());
  EXPECT_THAT(*b().List(""), IsEmpty());
}

TEST_P(RawBackendConformanceTest, AppendReplacesExistingObjectOnClose) {
  ASSERT_TRUE(b().Write("t/k", ByteView(std::string_view("old"))).ok());
  auto w = b().Append("t/k");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(ByteView(std::string_view("new"))).ok());
  EXPECT_EQ(*b().Read("t/k"), "old");
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*b().Read("t/k"), "new");
}

TEST_P(RawBackendConformanceTest, ListOneLevelSorted) {
  for (const char* key : {"t2/b/meta.json", "t1/b2/meta.json", "t1/b1/data", "t1/b1/meta.json",
                          "t1/index.json.gz", "t1/b1/sub/deep", "t1.x/a", "root.json"}) {
    ASSERT_TRUE(b().Write(key, ByteView(std::string_view("x"))).ok()) << key;
  }
  EXPECT_THAT(*b().List(""), ElementsAre("root.json", "t1", "t1.x", "t2"));
  EXPECT_THAT(*b().List("t1"), ElementsAre("b1", "b2", "index.json.gz"));
  EXPECT_THAT(*b().List("t1/b1"), ElementsAre("data", "meta.json", "sub"));
  EXPECT_THAT(*b().List("t1/b1/sub"), ElementsAre("deep"));
}

TEST_P(RawBackendConformanceTest, ListMissingPrefixIsEmpty) {
  EXPECT_THAT(*b().List(""), IsEmpty());
  EXPECT_THAT(*b().List("nope"), IsEmpty());
  ASSERT_TRUE(b().Write("t/obj", ByteView(std::string_view("x"))).ok());
  EXPECT_THAT(*b().List("t/obj"), IsEmpty());  // an object has nothing below it
  EXPECT_THAT(*b().List("t/o"), IsEmpty());    // prefixes are whole segments
}

TEST_P(RawBackendConformanceTest, Delete) {
  ASSERT_TRUE(b().Write("t/b/meta.json", ByteView(std::string_view("x"))).ok());
  ASSERT_TRUE(b().Write("t/b/data", ByteView(std::string_view("x"))).ok());
  ASSERT_TRUE(b().Delete("t/b/meta.json").ok());
  EXPECT_EQ(b().Read("t/b/meta.json").status().code(), Code::kNotFound);
  EXPECT_THAT(*b().List("t/b"), ElementsAre("data"));
  ASSERT_TRUE(b().Delete("t/b/data").ok());
  // With its last object gone the prefix disappears, as in an object store.
  EXPECT_THAT(*b().List("t"), IsEmpty());
  EXPECT_THAT(*b().List(""), IsEmpty());
}

TEST_P(RawBackendConformanceTest, DeleteAbsentIsOk) {
  EXPECT_TRUE(b().Delete("t/b/meta.json").ok());
  ASSERT_TRUE(b().Write("t/x", ByteView(std::string_view("x"))).ok());
  EXPECT_TRUE(b().Delete("t/y").ok());
  EXPECT_TRUE(b().Delete("t/x").ok());
  EXPECT_TRUE(b().Delete("t/x").ok());
}

TEST_P(RawBackendConformanceTest, WriteAfterDeleteOfLastObject) {
  ASSERT_TRUE(b().Write("t/b/x", ByteView(std::string_view("1"))).ok());
  ASSERT_TRUE(b().Delete("t/b/x").ok());
  ASSERT_TRUE(b().Write("t/b/y", ByteView(std::string_view("2"))).ok());
  EXPECT_EQ(*b().Read("t/b/y"), "2");
}

TEST_P(RawBackendConformanceTest, BadKeysAreInvalidArgument) {
  const std::vector<std::string> bad = {"",
                                        "/abs",
                                        "a//b",
                                        "a/",
                                        "../x",
                                        "a/../b",
                                        "a/./b",
                                        ".",
                                        "..",
                                        std::string("a\0b", 3),
                                        "a/.vv-tmp-1",
                                        std::string(1025, 'k'),
                                        std::string(256, 's') + "/x"};
  for (const std::string& key : bad) {
    SCOPED_TRACE(key.substr(0, 40));
    EXPECT_EQ(b().Read(key).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(b().ReadRange(key, 0, 0).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(b().Size(key).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(b().Write(key, ByteView()).code(), Code::kInvalidArgument);
    EXPECT_EQ(b().Append(key).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(b().Delete(key).code(), Code::kInvalidArgument);
    if (!key.empty()) {
      EXPECT_EQ(b().List(key).status().code(), Code::kInvalidArgument);
    }
  }
  EXPECT_THAT(*b().List(""), IsEmpty());
}

TEST_P(RawBackendConformanceTest, DotsInsideNamesAreFine) {
  ASSERT_TRUE(b().Write(".hidden/..x/a..b", ByteView(std::string_view("x"))).ok());
  EXPECT_EQ(*b().Read(".hidden/..x/a..b"), "x");
  EXPECT_THAT(*b().List(""), ElementsAre(".hidden"));
}

// Characters that URLs and signatures must escape survive the round trip and listings.
TEST_P(RawBackendConformanceTest, KeysWithCharactersThatNeedEscaping) {
  const std::vector<std::string> keys = {"t/a b/c+d", "t/e=f&g", "t/h%20i", "t/caf\xc3\xa9",
                                         "t/j;k,l'm(n)!*"};
  for (const std::string& key : keys) {
    ASSERT_TRUE(b().Write(key, ByteView(key)).ok()) << key;
  }
  for (const std::string& key : keys) {
    auto r = b().Read(key);
    ASSERT_TRUE(r.ok()) << key << ": " << r.status().ToString();
    EXPECT_EQ(*r, key);
    EXPECT_EQ(*b().ReadRange(key, 1, 2), key.substr(1, 2));
  }
  EXPECT_THAT(*b().List("t"), ElementsAre("a b", "caf\xc3\xa9", "e=f&g", "h%20i", "j;k,l'm(n)!*"));
  EXPECT_THAT(*b().List("t/a b"), ElementsAre("c+d"));
  for (const std::string& key : keys) {
    ASSERT_TRUE(b().Delete(key).ok()) << key;
  }
  EXPECT_THAT(*b().List("t"), IsEmpty());
}

// Readers racing a writer that keeps replacing an object see one whole version each time.
TEST_P(RawBackendConformanceTest, ConcurrentReadersSeeWholeObjects) {
  if (std::string why = fixture_->torn_replace_reason(); !why.empty()) {
    GTEST_SKIP() << why;
  }
  const std::string a(50000, 'a');
  const std::string z(70000, 'z');
  ASSERT_TRUE(b().Write("t/k", ByteView(a)).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  readers.reserve(2);
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto r = b().Read("t/k");
        if (!r.ok() || (*r != a && *r != z)) {
          torn.fetch_add(1);
        }
      }
    });
  }
  for (int i = 0; i < 100; ++i) {
    Status w = b().Write("t/k", ByteView(i % 2 == 0 ? z : a));
    if (!w.ok()) {
      ADD_FAILURE() << w.ToString();  // not ASSERT: the readers must be joined first
      break;
    }
  }
  stop.store(true);
  for (auto& t : readers) {
    t.join();
  }
  EXPECT_EQ(torn.load(), 0);
}

// Writers in one prefix racing deletes of its last object never fail.
TEST_P(RawBackendConformanceTest, ConcurrentWriteAndDeleteInOnePrefix) {
  std::atomic<int> failures{0};
  std::thread deleter([&] {
    for (int i = 0; i < 100; ++i) {
      if (!b().Write("t/b/x", ByteView(std::string_view("x"))).ok() || !b().Delete("t/b/x").ok()) {
        failures.fetch_add(1);
      }
    }
  });
  for (int i = 0; i < 100; ++i) {
    std::string key = "t/b/y" + std::to_string(i);
    if (!b().Write(key, ByteView(std::string_view("y"))).ok() || !b().Delete(key).ok()) {
      failures.fetch_add(1);
    }
  }
  deleter.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_THAT(*b().List(""), IsEmpty());
}

// More objects than one page of a listing (S3 and GCS pages hold 1000, Azure's 5000 by
// default; the remote fixtures use smaller pages where the store allows).
TEST_P(RawBackendConformanceTest, ListPaginatesPastOnePage) {
  constexpr int kObjects = 1100;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < kObjects; i += 4) {
        if (!b().Write(fmt::format("t/many/{:05}", i), ByteView(std::string_view("x"))).ok()) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : writers) {
    t.join();
  }
  ASSERT_EQ(failures.load(), 0);
  // "t/more", not "t/many-x": s3rver walks its files directory by directory, so past its first
  // page of 1000 it skips keys that sort between "t/many" and "t/many/" byte-wise.
  ASSERT_TRUE(b().Write("t/more", ByteView(std::string_view("x"))).ok());
  auto names = b().List("t/many");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  ASSERT_EQ(names->size(), static_cast<size_t>(kObjects));
  EXPECT_EQ(names->front(), "00000");
  EXPECT_EQ(names->back(), fmt::format("{:05}", kObjects - 1));
  EXPECT_THAT(*b().List("t"), ElementsAre("many", "more"));
}

// A wrong secret is refused with a clear error naming the key and the store's reason, for
// every kind of call.
TEST_P(RawBackendConformanceTest, WrongCredentialsArePermissionDenied) {
  std::unique_ptr<RawBackend> bad = fixture_->WithWrongCredentials();
  if (bad == nullptr) {
    GTEST_SKIP() << GetParam().name << " has no credentials";
  }
  ASSERT_TRUE(b().Write("t/b/meta.json", ByteView(std::string_view("{}"))).ok());
  Result<std::string> r = bad->Read("t/b/meta.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied) << r.status().ToString();
  EXPECT_NE(r.status().message().find("t/b/meta.json"), std::string_view::npos)
      << r.status().ToString();
  EXPECT_EQ(bad->Write("t/b/x", ByteView(std::string_view("x"))).code(), Code::kPermissionDenied);
  EXPECT_EQ(bad->List("t").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(bad->Delete("t/b/meta.json").code(), Code::kPermissionDenied);
  auto w = bad->Append("t/b/data");
  if (w.ok()) {
    std::string big(600 * 1024, 'x');  // past one part: the upload starts before Close
    Status s = (*w)->Append(ByteView(big));
    if (s.ok()) {
      s = (*w)->Close();
    }
    EXPECT_EQ(s.code(), Code::kPermissionDenied) << s.ToString();
  }
  EXPECT_EQ(*b().Read("t/b/meta.json"), "{}");
  EXPECT_THAT(*b().List("t/b"), ElementsAre("meta.json"));
}

INSTANTIATE_TEST_SUITE_P(
    Backends, RawBackendConformanceTest,
    ::testing::Values(Implementation{"InMemory", [] { return std::make_unique<MemoryFixture>(); }},
                      Implementation{"Local", [] { return std::make_unique<LocalFixture>(); }},
                      Implementation{"S3", [] { return std::make_unique<S3Fixture>(); }},
                      Implementation{"Azure", [] { return std::make_unique<AzureFixture>(); }},
                      Implementation{"AzureSas",
                                     [] { return std::make_unique<AzureSasFixture>(); }},
                      Implementation{"Gcs", [] { return std::make_unique<GcsFixture>(); }}),
    [](const ::testing::TestParamInfo<Implementation>& p) { return p.param.name; });

}  // namespace
}  // namespace vivace::backend
