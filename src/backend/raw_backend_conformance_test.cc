// The one conformance suite every RawBackend must pass (Jaeger's storage-integration idea):
// each implementation registers a factory below and gets every test.

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/local_backend.h"
#include "backend/memory_backend.h"
#include "backend/raw_backend.h"

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

struct Implementation {
  std::string name;
  std::function<std::unique_ptr<Fixture>()> make;
};

class RawBackendConformanceTest : public ::testing::TestWithParam<Implementation> {
 protected:
  void SetUp() override { fixture_ = GetParam().make(); }

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

// Readers racing a writer that keeps replacing an object see one whole version each time.
TEST_P(RawBackendConformanceTest, ConcurrentReadersSeeWholeObjects) {
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
    ASSERT_TRUE(b().Write("t/k", ByteView(i % 2 == 0 ? z : a)).ok());
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

INSTANTIATE_TEST_SUITE_P(
    Backends, RawBackendConformanceTest,
    ::testing::Values(Implementation{"InMemory", [] { return std::make_unique<MemoryFixture>(); }},
                      Implementation{"Local", [] { return std::make_unique<LocalFixture>(); }}),
    [](const ::testing::TestParamInfo<Implementation>& p) { return p.param.name; });

}  // namespace
}  // namespace vivace::backend
