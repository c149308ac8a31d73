#include "generator/labels.h"

#include <gtest/gtest.h>

namespace vivace::generator {
namespace {

TEST(LabelsTest, SanitizesLikePrometheus) {
  EXPECT_EQ(SanitizeLabelName("http.method"), "http_method");
  EXPECT_EQ(SanitizeLabelName("k8s-pod/name"), "k8s_pod_name");
  EXPECT_EQ(SanitizeLabelName("1abc"), "_1abc");
  EXPECT_EQ(SanitizeLabelName("ok_Name9"), "ok_Name9");
  EXPECT_EQ(SanitizeLabelName("ü"), "__");
  EXPECT_EQ(SanitizeLabelName(""), "");
}

TEST(LabelsTest, BuilderReplacesDeletesSortsAndHashes) {
  LabelBuilder b(1024, 2048);
  b.Add("service", "api");
  b.Add("span_name", "GET");
  b.Add("service", "web");  // later wins
  b.Add("empty", "");       // never added
  b.Add("span_name", "");   // deletes
  b.Add("a", "1");
  uint64_t h = b.Finish();
  ASSERT_EQ(b.size(), 2U);
  EXPECT_EQ(b.name(0), "a");
  EXPECT_EQ(b.value(1), "web");
  EXPECT_EQ(h, HashLabels({{"a", "1"}, {"service", "web"}}));

  b.Reset();
  b.Add("service", "web");
  b.Add("a", "1");
  EXPECT_EQ(b.Finish(), h);  // order of addition does not matter
  b.Reset();
  b.Add("service", "web");
  b.Add("a", "2");
  EXPECT_NE(b.Finish(), h);
}

TEST(LabelsTest, BuilderTruncatesWithoutSplittingUtf8) {
  LabelBuilder b(4, 5);
  b.Add("abcdefgh", "xxxx\xc3\xa9yy");  // the 2-byte é straddles the 5-byte limit
  b.Finish();
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(b.name(0), "abcd");
  EXPECT_EQ(b.value(0), "xxxx");
}

TEST(LabelsTest, ScratchValues) {
  LabelBuilder b(100, 100);
  std::string& v = b.Scratch();
  v = "built";
  b.AddScratch("x");
  b.Scratch().clear();
  b.AddScratch("y");  // empty: not added
  b.Finish();
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(b.value(0), "built");
}

TEST(LabelsTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  LabelBuilder b(1024, 2048);
  b.Add("a", "ok");
  b.Finish();
  EXPECT_TRUE(b.valid_utf8());
  b.Add("b", "\xfe");
  b.Finish();
  EXPECT_FALSE(b.valid_utf8());
}

}  // namespace
}  // namespace vivace::generator
