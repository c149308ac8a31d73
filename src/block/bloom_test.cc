#include "block/bloom.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <string>

#include "block/murmur3.h"

namespace vivace::block {
namespace {

using Id = std::array<uint8_t, 16>;

Id Sequential(uint8_t first) {
  Id id;
  for (size_t i = 0; i < 16; ++i) {
    id[i] = static_cast<uint8_t>(first + i);
  }
  return id;
}

Id Small(uint8_t last) {
  Id id{};
  id[15] = last;
  return id;
}

TEST(Murmur3Test, KnownVectors) {
  Hash128 empty = Murmur3X64_128(ByteView(std::string_view("")));
  EXPECT_EQ(empty.h1, 0u);
  EXPECT_EQ(empty.h2, 0u);
  Hash128 fox =
      Murmur3X64_128(ByteView(std::string_view("The quick brown fox jumps over the lazy dog")));
  EXPECT_EQ(fox.h1, 0xe34bbc7bbc071b6cULL);
  EXPECT_EQ(fox.h2, 0x7a433ca9c49a9347ULL);
}

// The vector of storage spec §3.3.
TEST(BloomTest, SpecTestVector) {
  const Id id = Sequential(0);
  BloomHashes h = BloomHashesFor(id);
  EXPECT_EQ(h.h[0], 0x444924b591903f30ULL);
  EXPECT_EQ(h.h[1], 0xab906456762fe845ULL);
  EXPECT_EQ(h.h[2], 0x106300c22a596dc7ULL);
  EXPECT_EQ(h.h[3], 0x010b4135a11d549eULL);
  const uint64_t expected[7] = {474928, 638179, 518252, 536986, 95820, 724827, 604900};
  for (uint64_t i = 0; i < 7; ++i) {
    EXPECT_EQ(BloomLocation(h, i, 819200), expected[i]) << i;
  }
  EXPECT_EQ(Fnv1_32(ByteView(id.data(), id.size())), 0x32e1f245u);

  BloomShard shard(819200, 7);
  shard.Add(id);
  for (uint64_t pos : expected) {
    EXPECT_TRUE(shard.TestBit(pos));
  }
  EXPECT_TRUE(shard.MayContain(id));
}

TEST(BloomTest, Fnv1IsNotFnv1a) {
  EXPECT_EQ(Fnv1_32(ByteView(std::string_view(""))), 0x811c9dc5u);
  // FNV-1a("a") would be 0xe40c292c.
  EXPECT_EQ(Fnv1_32(ByteView(std::string_view("a"))), 0x050c5d7eu);
}

TEST(BloomTest, Sizing) {
  ShardedBloom tempo_default = ShardedBloom::ForItems(1000000, 0.01, 102400);
  EXPECT_EQ(tempo_default.shard_count(), 12u);
  EXPECT_EQ(tempo_default.hash_count(), 7u);
  EXPECT_EQ(tempo_default.shard(0).bit_count(), 819200u);
  EXPECT_EQ(tempo_default.SerializeShard(0).size(), 102424u);
  EXPECT_EQ(ShardedBloom::ForItems(1000, 0.05, 102400).hash_count(), 5u);
  EXPECT_EQ(ShardedBloom::ForItems(1, 0.01, 102400).shard_count(), 1u);
  EXPECT_EQ(ShardedBloom::ForItems(0, 0.01, 102400).shard_count(), 1u);
  EXPECT_EQ(ShardedBloom::ForItems(100000000, 0.01, 1000).shard_count(), kMaxBloomShards);
}

// The parameters of Tempo's golden fixture (tempodb/encoding/common/test-data/bloom-{0,1,2}).
TEST(BloomTest, GoldenFixtureParameters) {
  ShardedBloom bloom = ShardedBloom::ForItems(50, 0.01, 20);
  ASSERT_EQ(bloom.shard_count(), 3u);
  EXPECT_EQ(bloom.hash_count(), 7u);
  for (uint8_t i = 1; i <= 10; ++i) {
    bloom.Add(Small(i));
  }
  std::array<std::string, 3> files;
  for (uint32_t s = 0; s < 3; ++s) {
    files[s] = bloom.SerializeShard(s);
    ASSERT_EQ(files[s].size(), 48u);
    EXPECT_EQ(files[s].substr(0, 24), std::string("\0\0\0\0\0\0\0\xa0\0\0\0\0\0\0\0\x07"
                                                  "\0\0\0\0\0\0\0\xa0",
                                                  24));
  }
  for (uint8_t i = 1; i <= 10; ++i) {
    const Id id = Small(i);
    const uint32_t s = ShardedBloom::ShardFor(id, 3);
    EXPECT_EQ(s, Fnv1_32(ByteView(id.data(), id.size())) % 3);
    auto shard = ShardedBloom::ParseShard(ByteView(files[s]));
    ASSERT_TRUE(shard.ok()) << shard.status().ToString();
    EXPECT_EQ(shard->bit_count(), 160u);
    const BloomHashes h = BloomHashesFor(id);
    for (uint64_t k = 0; k < 7; ++k) {
      EXPECT_TRUE(shard->TestBit(BloomLocation(h, k, 160)));
    }
    EXPECT_TRUE(shard->MayContain(id));
    EXPECT_TRUE(bloom.MayContain(id));
  }
}

TEST(BloomTest, FalsePositiveRateNearTarget) {
  // One shard of exactly M bits, so the measured rate is the textbook one for fp = 0.01.
  constexpr uint64_t kItems = 100000;
  const double m = std::ceil(-double{kItems} * std::log(0.01) / (std::log(2.0) * std::log(2.0)));
  ShardedBloom bloom = ShardedBloom::ForItems(kItems, 0.01, static_cast<uint64_t>(m / 8) + 1);
  ASSERT_EQ(bloom.shard_count(), 1u);
  std::mt19937_64 rng(12345);
  auto random_id = [&rng] {
    Id id;
    for (size_t i = 0; i < 16; i += 8) {
      uint64_t r = rng();
      for (size_t j = 0; j < 8; ++j) {
        id[i + j] = static_cast<uint8_t>(r >> (8 * j));
      }
    }
    id[0] |= 0x80;  // inserted IDs have the top bit set, probes do not: never equal
    return id;
  };
  for (uint64_t i = 0; i < kItems; ++i) {
    Id id = random_id();
    bloom.Add(id);
    ASSERT_TRUE(bloom.MayContain(id));
  }
  int hits = 0;
  for (uint64_t i = 0; i < kItems; ++i) {
    Id id = random_id();
    id[0] &= 0x7f;
    hits += bloom.MayContain(id) ? 1 : 0;
  }
  const double rate = hits / double{kItems};
  EXPECT_GT(rate, 0.008);
  EXPECT_LT(rate, 0.012);
}

TEST(BloomTest, SerializationRoundTrips) {
  ShardedBloom bloom = ShardedBloom::ForItems(5000, 0.01, 1024);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 5000; ++i) {
    Id id;
    for (auto& b : id) {
      b = static_cast<uint8_t>(rng());
    }
    bloom.Add(id);
  }
  for (uint32_t s = 0; s < bloom.shard_count(); ++s) {
    std::string bytes = bloom.SerializeShard(s);
    auto parsed = ShardedBloom::ParseShard(ByteView(bytes));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->Serialize(), bytes);
    EXPECT_EQ(parsed->hash_count(), bloom.hash_count());
  }
}

TEST(BloomTest, ParseRejectsMalformedShards) {
  BloomShard shard(100, 3);
  std::string ok = shard.Serialize();
  ASSERT_EQ(ok.size(), 24u + 16u);
  ASSERT_TRUE(BloomShard::Parse(ByteView(ok)).ok());
  for (size_t len = 0; len < ok.size(); ++len) {
    EXPECT_EQ(BloomShard::Parse(ByteView(ok.substr(0, len))).status().code(), Code::kDataLoss);
  }
  EXPECT_FALSE(BloomShard::Parse(ByteView(ok + std::string(8, '\0'))).ok());
  auto with = [&ok](size_t byte, char value) {
    std::string b = ok;
    b[byte] = value;
    return BloomShard::Parse(ByteView(b)).ok();
  };
  EXPECT_FALSE(with(7, 0));     // m = 0 (and != bit length)
  EXPECT_FALSE(with(23, 101));  // bit length != m
  EXPECT_FALSE(with(15, 0));    // k = 0
  EXPECT_FALSE(with(8, 1));     // k huge
  // A huge m with a tiny body: rejected by size, nothing allocated.
  std::string huge(24, '\0');
  for (size_t off : {0u, 16u}) {
    huge[off] = 0x7f;
  }
  huge[15] = 7;
  EXPECT_FALSE(BloomShard::Parse(ByteView(huge)).ok());
}

}  // namespace
}  // namespace vivace::block
