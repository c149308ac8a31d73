#include "block/page_index.h"

#include <gtest/gtest.h>

#include <vector>

namespace vivace::block {
namespace {

PageIndexEntry Entry(uint32_t offset, uint32_t len, uint32_t first_row) {
  PageIndexEntry e;
  e.rel_offset = offset;
  e.stored_len = len;
  e.first_row = first_row;
  e.n_values = 100;
  e.encoding = Encoding::kDict;
  e.codec = Codec::kZstd;
  e.bit_width = 5;
  e.null_count = 3;
  e.min = 1;
  e.max = 30;
  e.code_signature = 0x8000000000000001ULL;
  return e;
}

TEST(PageIndexTest, Layout) {
  PageIndexEntry e = Entry(0x01020304, 0x11, 0x22);
  std::string out;
  AppendPageIndexEntry(e, out);
  ASSERT_EQ(out.size(), kPageIndexEntryBytes);
  const std::string expected(
      "\x04\x03\x02\x01"                  // rel_offset
      "\x11\x00\x00\x00"                  // stored_len
      "\x22\x00\x00\x00"                  // first_row
      "\x64\x00\x00\x00"                  // n_values
      "\x03\x01\x05\x00"                  // encoding DICT, codec zstd, bit_width 5
      "\x03\x00\x00\x00"                  // null_count
      "\x01\x00\x00\x00\x00\x00\x00\x00"  // min
      "\x1e\x00\x00\x00\x00\x00\x00\x00"  // max
      "\x01\x00\x00\x00\x00\x00\x00\x80",  // code_signature
      48);
  EXPECT_EQ(out, expected);
}

TEST(PageIndexTest, RoundTrips) {
  std::vector<PageIndexEntry> entries = {Entry(0, 100, 0), Entry(100, 50, 100),
                                         Entry(200, 10, 100)};
  entries[2].encoding = Encoding::kBitmap;
  entries[2].codec = Codec::kNone;
  entries[2].min = ~uint64_t{0};
  std::string bytes = EncodePageIndex(entries);
  ASSERT_EQ(bytes.size(), 3 * kPageIndexEntryBytes);
  auto r = DecodePageIndex(ByteView(bytes), 3, 210);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, entries);
  auto none = DecodePageIndex(ByteView(std::string_view("")), 0, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(PageIndexTest, RejectsInvalidEntries) {
  auto bad = [](auto mutate) {
    PageIndexEntry e = Entry(0, 10, 0);
    std::string bytes;
    AppendPageIndexEntry(e, bytes);
    mutate(bytes);
    return DecodePageIndexEntry(ByteView(bytes)).status().code();
  };
  EXPECT_EQ(bad([](std::string&) {}), Code::kOk);
  EXPECT_EQ(bad([](std::string& b) { b[16] = 6; }), Code::kDataLoss);                 // encoding
  EXPECT_EQ(bad([](std::string& b) { b[17] = 2; }), Code::kDataLoss);                 // codec
  EXPECT_EQ(bad([](std::string& b) { b[18] = static_cast<char>(129); }), Code::kDataLoss);
  EXPECT_EQ(bad([](std::string& b) { b[20] = static_cast<char>(101); }), Code::kDataLoss);
  EXPECT_EQ(bad([](std::string& b) { b[14] = 0x7f; }), Code::kDataLoss);               // n_values
  EXPECT_EQ(bad([](std::string& b) { b.pop_back(); }), Code::kDataLoss);
}

TEST(PageIndexTest, RejectsInconsistentIndexes) {
  std::vector<PageIndexEntry> ok = {Entry(0, 100, 0), Entry(100, 50, 100)};
  std::string bytes = EncodePageIndex(ok);
  EXPECT_TRUE(DecodePageIndex(ByteView(bytes), 2, 150).ok());
  EXPECT_FALSE(DecodePageIndex(ByteView(bytes), 2, 149).ok());  // outside the chunk
  EXPECT_FALSE(DecodePageIndex(ByteView(bytes), 1, 150).ok());
  EXPECT_FALSE(DecodePageIndex(ByteView(bytes), 3, 150).ok());
  EXPECT_FALSE(DecodePageIndex(ByteView(bytes + "x"), 2, 150).ok());
  std::vector<PageIndexEntry> overlap = {Entry(0, 100, 0), Entry(99, 10, 100)};
  EXPECT_FALSE(DecodePageIndex(ByteView(EncodePageIndex(overlap)), 2, 1000).ok());
  std::vector<PageIndexEntry> rows_back = {Entry(0, 100, 50), Entry(100, 10, 49)};
  EXPECT_FALSE(DecodePageIndex(ByteView(EncodePageIndex(rows_back)), 2, 1000).ok());
  std::vector<PageIndexEntry> wrap = {Entry(0xFFFFFFF0u, 0x20, 0)};
  EXPECT_FALSE(DecodePageIndex(ByteView(EncodePageIndex(wrap)), 1, 0xFFFFFFFFu).ok());
}

}  // namespace
}  // namespace vivace::block
