#include "block/page_index.h"

#include <vector>

#include <gtest/gtest.h>

namespace vivace::block {
namespace {

PageIndexEntry Entry(uint32_t offset, uint32_t len, uint32_t first_row) {
  PageIndexEntry e;
  e.rel_offset = offset;
  e.stored_len = len;
  e.first_row = first_row;
  e.n_values = 100;
  e.encoding = Encoding::kTable;
  e.codec = Codec::kZstd;
  e.crc = 0xdeadbeef;
  e.min = 1;
  e.max = 300;
  e.code_signature = 0x8000000000000001ULL;
  return e;
}

TEST(PageIndexTest, Layout) {
  PageIndexEntry e = Entry(0, 0x11, 4096);
  std::string out;
  AppendPageIndexEntry(e, /*first=*/true, 0, /*dict=*/true, out);
  const std::string expected(
      "\x80\x20"                           // first_row 4096 (varint)
      "\x64"                               // n_values 100
      "\x06\x01"                           // encoding TABLE, codec zstd
      "\x11"                               // stored_len 17
      "\xef\xbe\xad\xde"                   // crc32c
      "\x01"                               // min 1
      "\xac\x02"                           // max 300
      "\x01\x00\x00\x00\x00\x00\x00\x80",  // code_signature (dictionary chunks only)
      21);
  EXPECT_EQ(out, expected);
  std::string later;
  AppendPageIndexEntry(e, /*first=*/false, 2048, /*dict=*/false, later);
  EXPECT_EQ(later.substr(0, 2), std::string("\x80\x10", 2));  // first_row delta 2048
  EXPECT_EQ(later.size(), 13u);
}

TEST(PageIndexTest, RoundTrips) {
  for (bool dict : {false, true}) {
    std::vector<PageIndexEntry> entries = {Entry(10, 100, 0), Entry(110, 50, 4096),
                                           Entry(160, 10, 12288)};
    entries[2].encoding = Encoding::kBitmap;
    entries[2].codec = Codec::kLz4;
    entries[2].min = ~uint64_t{0};
    if (!dict) {
      for (auto& e : entries) {
        e.code_signature = 0;
      }
    }
    std::string bytes = EncodePageIndex(entries, dict);
    size_t pos = 0;
    auto r = DecodePageIndex(ByteView(bytes), &pos, 3, 10, 170, dict);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, entries);
    EXPECT_EQ(pos, bytes.size());
  }
  size_t pos = 0;
  auto none = DecodePageIndex(ByteView(std::string_view("")), &pos, 0, 0, 0, false);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(PageIndexTest, RejectsInvalidEntries) {
  auto bad = [](auto mutate) {
    std::string bytes;
    AppendPageIndexEntry(Entry(0, 10, 0), true, 0, false, bytes);
    mutate(bytes);
    size_t pos = 0;
    return DecodePageIndex(ByteView(bytes), &pos, 1, 0, 1000, false).status().code();
  };
  EXPECT_EQ(bad([](std::string&) {}), Code::kOk);
  EXPECT_EQ(bad([](std::string& b) { b[2] = 9; }), Code::kDataLoss);  // encoding
  EXPECT_EQ(bad([](std::string& b) { b[3] = 3; }), Code::kDataLoss);  // codec
  EXPECT_EQ(bad([](std::string& b) { b.pop_back(); }), Code::kDataLoss);
  // Overlong varint for first_row (0x80 0x00 instead of 0x00).
  EXPECT_EQ(bad([](std::string& b) { b.replace(0, 1, std::string("\x80\x00", 2)); }),
            Code::kDataLoss);
  // n_values over the page limit: 2^20 + 1 = 0x81 0x80 0x40.
  EXPECT_EQ(bad([](std::string& b) { b.replace(1, 1, std::string("\x81\x80\x40", 3)); }),
            Code::kDataLoss);
}

TEST(PageIndexTest, RejectsInconsistentIndexes) {
  std::vector<PageIndexEntry> ok = {Entry(0, 100, 0), Entry(100, 50, 100)};
  std::string bytes = EncodePageIndex(ok, false);
  auto decode = [&](const std::string& b, uint32_t n, uint64_t chunk) {
    size_t pos = 0;
    return DecodePageIndex(ByteView(b), &pos, n, 0, chunk, false).ok();
  };
  EXPECT_TRUE(decode(bytes, 2, 150));
  EXPECT_FALSE(decode(bytes, 2, 149));  // outside the chunk
  EXPECT_FALSE(decode(bytes, 3, 150));  // truncated
  std::vector<PageIndexEntry> same_row = {Entry(0, 100, 50), Entry(100, 10, 50)};
  EXPECT_FALSE(decode(EncodePageIndex(same_row, false), 2, 1000));
}

}  // namespace
}  // namespace vivace::block
