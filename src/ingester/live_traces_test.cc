#include "ingester/live_traces.h"

#include <gtest/gtest.h>

#include "ingester/fragments.h"

namespace vivace::ingester {
namespace {

model::TraceId Id(uint8_t v) {
  model::TraceId id;
  id.bytes[15] = v;
  id.bytes[0] = 1;
  return id;
}

std::vector<std::string> Fragments(const std::string& framed) {
  std::vector<std::string> out;
  EXPECT_TRUE(ForEachFragment(framed, [&](ByteView f) { out.push_back(f.ToString()); }));
  return out;
}

TEST(LiveTracesTest, AppendsFragmentsAndFinds) {
  LiveTraces lt;
  EXPECT_EQ(lt.Append(Id(1), std::string_view("aa"), 2, 10, 20, 100, {}), AppendResult::kNewTrace);
  EXPECT_EQ(lt.Append(Id(1), std::string_view("bbb"), 1, 5, 30, 200, {}), AppendResult::kOk);
  std::string out;
  ASSERT_TRUE(lt.Find(Id(1), &out));
  EXPECT_EQ(Fragments(out), (std::vector<std::string>{"aa", "bbb"}));
  EXPECT_FALSE(lt.Find(Id(2), &out));
  EXPECT_EQ(lt.count(), 1);
  EXPECT_EQ(lt.bytes(), 2 + 4 + 3 + 4);
}

TEST(LiveTracesTest, Limits) {
  LiveTraces lt;
  LiveTraces::Limits l{.max_traces = 1, .max_bytes_per_trace = 5};
  EXPECT_EQ(lt.Append(Id(1), std::string_view("abc"), 1, 0, 0, 0, l), AppendResult::kNewTrace);
  EXPECT_EQ(lt.Append(Id(2), std::string_view("x"), 1, 0, 0, 0, l), AppendResult::kTooManyTraces);
  EXPECT_EQ(lt.Append(Id(1), std::string_view("def"), 1, 0, 0, 0, l), AppendResult::kTraceTooLarge);
  EXPECT_EQ(lt.Append(Id(1), std::string_view("de"), 1, 0, 0, 0, l), AppendResult::kOk);
}

TEST(LiveTracesTest, CutsIdleAndOldTraces) {
  LiveTraces lt;
  lt.Append(Id(1), std::string_view("a"), 1, 0, 0, /*now=*/0, {});
  lt.Append(Id(2), std::string_view("b"), 1, 0, 0, /*now=*/0, {});
  lt.Append(Id(2), std::string_view("c"), 1, 0, 0, /*now=*/8, {});  // keeps 2 active
  std::vector<uint8_t> cut;
  auto sink = [&](const model::TraceId& id, LiveTrace&&) { cut.push_back(id.bytes[15]); };
  lt.Cut(/*now=*/10, /*idle=*/5, /*live=*/100, false, sink);
  EXPECT_EQ(cut, std::vector<uint8_t>{1});
  lt.Cut(/*now=*/10, /*idle=*/5, /*live=*/10, false, sink);  // 2 is now too old
  EXPECT_EQ(cut, (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(lt.count(), 0);
  EXPECT_EQ(lt.bytes(), 0);
}

}  // namespace
}  // namespace vivace::ingester
