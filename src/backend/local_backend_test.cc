// LocalBackend specifics beyond the conformance suite: the on-disk tree is Tempo's, and
// temporary files of interrupted writes stay invisible and can be swept.

#include "backend/local_backend.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/keys.h"

namespace vivace::backend {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class LocalBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "vv-local-XXXXXX";
    dir_ = mkdtemp(tmpl.data());
  }

  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_;
};

TEST_F(LocalBackendTest, ObjectsAreFilesAtTheirKeys) {
  LocalBackend b(dir_ + "/");
  ASSERT_TRUE(b.Write("single-tenant/b/meta.json", ByteView(std::string_view("{}"))).ok());
  std::ifstream in(dir_ + "/single-tenant/b/meta.json");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "{}");
  // Nothing else is left in the directory (the temporary file was renamed).
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_ + "/single-tenant/b")) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_THAT(names, ElementsAre("meta.json"));
}

TEST_F(LocalBackendTest, ReadsFilesWrittenByOthers) {
  fs::create_directories(dir_ + "/t/blk");
  std::ofstream(dir_ + "/t/blk/meta.json") << "tempo";
  LocalBackend b(dir_);
  EXPECT_EQ(*b.Read("t/blk/meta.json"), "tempo");
  EXPECT_THAT(*b.List("t"), ElementsAre("blk"));
}

TEST_F(LocalBackendTest, TempFilesAreHiddenAndSwept) {
  LocalBackend b(dir_);
  ASSERT_TRUE(b.Write("t/b/meta.json", ByteView(std::string_view("x"))).ok());
  // What a crash in the middle of a write leaves behind.
  std::ofstream(dir_ + "/t/b/" + std::string(kTempObjectPrefix) + "dead") << "partial";
  EXPECT_THAT(*b.List("t/b"), ElementsAre("meta.json"));
  ASSERT_TRUE(b.RemoveTempFiles().ok());
  EXPECT_FALSE(fs::exists(dir_ + "/t/b/" + std::string(kTempObjectPrefix) + "dead"));
  EXPECT_TRUE(fs::exists(dir_ + "/t/b/meta.json"));
}

TEST_F(LocalBackendTest, MissingRootListsEmpty) {
  LocalBackend b(dir_ + "/does/not/exist");
  auto names = b.List("");
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
  EXPECT_TRUE(b.RemoveTempFiles().ok());
}

TEST_F(LocalBackendTest, WriteOverADirectoryFails) {
  LocalBackend b(dir_);
  ASSERT_TRUE(b.Write("t/b/meta.json", ByteView(std::string_view("x"))).ok());
  Status s = b.Write("t/b", ByteView(std::string_view("x")));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(*b.Read("t/b/meta.json"), "x");
  EXPECT_THAT(*b.List("t/b"), ElementsAre("meta.json"));  // no temp file left behind
}

}  // namespace
}  // namespace vivace::backend
