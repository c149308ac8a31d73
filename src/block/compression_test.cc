#include "block/compression.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace vivace::block {
namespace {

std::string Compressible() {
  std::string s;
  for (int i = 0; i < 5000; ++i) {
    s += "span-" + std::to_string(i % 50) + ";";
  }
  return s;
}

std::string Random(size_t n) {
  std::mt19937_64 rng(1);
  std::string s(n, '\0');
  for (auto& c : s) {
    c = static_cast<char>(rng());
  }
  return s;
}

TEST(CompressionTest, CompressesWhenItSaves) {
  std::string raw = Compressible();
  StoredPage page = CompressPage(ByteView(raw));
  EXPECT_EQ(page.codec, Codec::kZstd);
  EXPECT_LT(page.bytes.size(), raw.size() / 5);
  auto open = OpenPage(ByteView(page.bytes), page.codec);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  EXPECT_EQ(open->view(), ByteView(raw));
  // Moving the buffer keeps the bytes reachable.
  PageBuffer moved = std::move(*open);
  EXPECT_EQ(moved.view(), ByteView(raw));
}

TEST(CompressionTest, KeepsIncompressiblePagesRaw) {
  std::string raw = Random(4096);
  StoredPage page = CompressPage(ByteView(raw));
  EXPECT_EQ(page.codec, Codec::kNone);
  EXPECT_EQ(page.bytes, raw);
  auto open = OpenPage(ByteView(page.bytes), page.codec);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->view().data(), reinterpret_cast<const uint8_t*>(page.bytes.data()));
  StoredPage empty = CompressPage(ByteView(std::string_view("")));
  EXPECT_EQ(empty.codec, Codec::kNone);
  EXPECT_TRUE(empty.bytes.empty());
}

TEST(CompressionTest, TenPercentRule) {
  // Half random, half zeros: zstd saves far more than 10%; mostly random saves less.
  std::string half = Random(2000) + std::string(2000, '\0');
  EXPECT_EQ(CompressPage(ByteView(half)).codec, Codec::kZstd);
  std::string mostly = Random(4000) + std::string(300, '\0');
  EXPECT_EQ(CompressPage(ByteView(mostly)).codec, Codec::kNone);
}

TEST(CompressionTest, RejectsBadFrames) {
  std::string z = ZstdCompress(ByteView(Compressible()));
  EXPECT_FALSE(OpenPage(ByteView(z.substr(0, z.size() - 1)), Codec::kZstd).ok());
  EXPECT_FALSE(OpenPage(ByteView(z + "x"), Codec::kZstd).ok());
  EXPECT_FALSE(OpenPage(ByteView(std::string_view("not zstd")), Codec::kZstd).ok());
  EXPECT_FALSE(OpenPage(ByteView(std::string_view("")), Codec::kZstd).ok());
  EXPECT_EQ(OpenPage(ByteView(z), static_cast<Codec>(9)).status().code(), Code::kDataLoss);
  // Over the caller's limit.
  EXPECT_FALSE(OpenPage(ByteView(z), Codec::kZstd, 100).ok());
  EXPECT_FALSE(OpenPage(ByteView(Compressible()), Codec::kNone, 100).ok());
  // Corrupt the body.
  std::string corrupt = z;
  corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x5a);
  auto r = OpenPage(ByteView(corrupt), Codec::kZstd);
  if (r.ok()) {
    EXPECT_NE(r->view(), ByteView(Compressible()));
  }
}

TEST(CompressionTest, ForgedSizesDoNotAllocate) {
  // Magic, single-segment descriptor with an 8-byte content size, then one empty raw block.
  auto frame = [](uint64_t declared) {
    std::string f("\x28\xb5\x2f\xfd\xe0", 5);
    for (int i = 0; i < 8; ++i) {
      f.push_back(static_cast<char>(declared >> (8 * i)));
    }
    f.append("\x01\x00\x00", 3);
    return f;
  };
  EXPECT_EQ(OpenPage(ByteView(frame(uint64_t{1} << 40)), Codec::kZstd).status().code(),
            Code::kDataLoss);
  // Under the page limit, but more than a 16-byte frame can expand to.
  EXPECT_EQ(OpenPage(ByteView(frame(10 << 20)), Codec::kZstd).status().code(), Code::kDataLoss);
  // Plausible size, but the frame does not hold it.
  EXPECT_EQ(OpenPage(ByteView(frame(100)), Codec::kZstd).status().code(), Code::kDataLoss);
  auto zero = OpenPage(ByteView(frame(0)), Codec::kZstd);
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();
  EXPECT_TRUE(zero->view().empty());
  // No content size in the header: rejected.
  std::string unknown("\x28\xb5\x2f\xfd\x00\x00\x01\x00\x00", 9);
  EXPECT_EQ(OpenPage(ByteView(unknown), Codec::kZstd).status().code(), Code::kDataLoss);
}

}  // namespace
}  // namespace vivace::block
