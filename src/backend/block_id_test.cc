#include "backend/block_id.h"

#include <set>
#include <unordered_set>

#include <gtest/gtest.h>

namespace vivace::backend {
namespace {

TEST(BlockIdTest, ParseAndFormat) {
  auto id = BlockId::Parse("B27B0E53-1d2f-4f3c-9a1e-4c5d6e7f8091");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ToString(), "b27b0e53-1d2f-4f3c-9a1e-4c5d6e7f8091");
  auto plain = BlockId::Parse("b27b0e531d2f4f3c9a1e4c5d6e7f8091");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, *id);
  EXPECT_EQ(id->bytes()[0], 0xb2);
  EXPECT_EQ(id->bytes()[15], 0x91);
}

TEST(BlockIdTest, RejectsNonUuids) {
  for (const char* bad :
       {"", "index.json.gz", "b27b0e53-1d2f-4f3c-9a1e-4c5d6e7f809",
        "b27b0e53_1d2f-4f3c-9a1e-4c5d6e7f8091", "g27b0e53-1d2f-4f3c-9a1e-4c5d6e7f8091",
        "b27b0e531-d2f-4f3c-9a1e-4c5d6e7f8091", "b27b0e53-1d2f-4f3c-9a1e-4c5d6e7f8091x"}) {
    EXPECT_EQ(BlockId::Parse(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(BlockIdTest, FromBytes) {
  std::string raw(16, '\x11');
  auto id = BlockId::FromBytes(ByteView(raw));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ToString(), "11111111-1111-1111-1111-111111111111");
  EXPECT_FALSE(BlockId::FromBytes(ByteView(std::string(15, 'a'))).ok());
}

TEST(BlockIdTest, RandomIsVersion4AndUnique) {
  std::set<BlockId> seen;
  std::unordered_set<BlockId> hashed;
  for (int i = 0; i < 1000; ++i) {
    BlockId id = BlockId::Random();
    std::string s = id.ToString();
    EXPECT_EQ(s[14], '4');
    EXPECT_TRUE(s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b') << s;
    EXPECT_EQ(*BlockId::Parse(s), id);
    seen.insert(id);
    hashed.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(hashed.size(), 1000u);
  EXPECT_TRUE(BlockId().IsNil());
  EXPECT_EQ(BlockId().ToString(), "00000000-0000-0000-0000-000000000000");
}

}  // namespace
}  // namespace vivace::backend
