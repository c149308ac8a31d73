#include "net/content_encoding.h"

#include <snappy.h>

#include <gtest/gtest.h>

namespace vivace::net {
namespace {

TEST(ContentEncodingTest, GzipRoundTrip) {
  std::string data(100000, 'x');
  std::string gz = GzipCompress(data);
  EXPECT_LT(gz.size(), data.size());
  auto out = DecodeContentEncoding("gzip", gz, 1 << 20);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, data);
}

TEST(ContentEncodingTest, BombsAreStopped) {
  std::string data(10 << 20, '\0');
  std::string gz = GzipCompress(data);
  auto out = DecodeContentEncoding("gzip", gz, 1 << 20);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kResourceExhausted);
}

TEST(ContentEncodingTest, CorruptAndUnknown) {
  EXPECT_EQ(DecodeContentEncoding("gzip", std::string_view("not gzip"), 100).status().code(),
            Code::kInvalidArgument);
  std::string gz = GzipCompress(std::string_view("hello world"));
  EXPECT_FALSE(DecodeContentEncoding("gzip", ByteView(gz).substr(0, gz.size() / 2), 100).ok());
  EXPECT_EQ(DecodeContentEncoding("br", std::string_view("x"), 100).status().message(),
            "unsupported Content-Encoding: br");
  EXPECT_EQ(*DecodeContentEncoding("", std::string_view("x"), 100), "x");
}

TEST(ContentEncodingTest, SnappyBlock) {
  std::string data = "hello hello hello hello";
  std::string c;
  snappy::Compress(data.data(), data.size(), &c);
  EXPECT_EQ(*DecodeContentEncoding("snappy", c, 100), data);
  EXPECT_FALSE(DecodeContentEncoding("snappy", std::string_view("\xff\xff\xff"), 100).ok());
}

}  // namespace
}  // namespace vivace::net
