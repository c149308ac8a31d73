#include "ingester/wal/wal.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "ingester/wal/wal_record.h"

namespace vivace::ingester::wal {
namespace {

namespace fs = std::filesystem;

class WalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vivace-wal-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string Record(uint64_t seq, const std::string& body) {
    RecordBuilder b(seq);
    model::TraceId id;
    id.bytes[15] = static_cast<uint8_t>(seq);
    b.Add(id, seq * 10, seq * 10 + 5, 1, body);
    return b.Finish();
  }

  // Appends and waits for the ack.
  static Status AppendSync(Wal& wal, const std::string& tenant, uint64_t seq,
                           const std::string& body) {
    std::promise<Status> p;
    wal.Append(tenant, Record(seq, body), seq, [&](Status s) { p.set_value(std::move(s)); });
    return p.get_future().get();
  }

  struct Replayed {
    std::vector<std::pair<std::string, uint64_t>> records;
    std::vector<std::string> bodies;
    Wal::ReplayStats stats;
  };
  Replayed Replay() {
    Wal wal({.dir = dir_});
    Replayed out;
    Status s = wal.Replay(
        [&](const std::string& tenant, uint64_t seq, ByteView payload) {
          out.records.emplace_back(tenant, seq);
          uint64_t parsed = 0;
          EXPECT_TRUE(ParsePayload(payload, &parsed, [&](const WalTrace& t) {
                        out.bodies.push_back(t.fragment.ToString());
                        EXPECT_EQ(t.start_unix_nano, seq * 10);
                      }).ok());
          EXPECT_EQ(parsed, seq);
        },
        &out.stats);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  std::vector<std::string> Segments(const std::string& tenant) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_ + "/" + tenant)) {
      out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_;
};

TEST_F(WalTest, AppendedRecordsReplayInOrder) {
  {
    Wal wal({.dir = dir_});
    ASSERT_TRUE(wal.Start().ok());
    for (uint64_t i = 1; i <= 5; ++i) {
      ASSERT_TRUE(AppendSync(wal, i % 2 ? "a" : "b", i, "body" + std::to_string(i)).ok());
    }
  }
  Replayed r = Replay();
  ASSERT_EQ(r.records.size(), 5u);
  EXPECT_EQ(r.records[0], (std::pair<std::string, uint64_t>{"a", 1}));
  EXPECT_EQ(r.records[2], (std::pair<std::string, uint64_t>{"a", 5}));
  EXPECT_EQ(r.records[3], (std::pair<std::string, uint64_t>{"b", 2}));
  EXPECT_EQ(r.stats.torn_segments, 0u);
}

TEST_F(WalTest, TornTailIsTruncatedAndLogContinues) {
  {
    Wal wal({.dir = dir_});
    ASSERT_TRUE(wal.Start().ok());
    ASSERT_TRUE(AppendSync(wal, "t", 1, "first").ok());
    ASSERT_TRUE(AppendSync(wal, "t", 2, "second").ok());
  }
  std::string seg = Segments("t").back();
  // A crash mid-write: half of a third record.
  std::string partial = Record(3, "third-record-body");
  {
    std::ofstream f(seg, std::ios::binary | std::ios::app);
    f.write(partial.data(), static_cast<std::streamsize>(partial.size() / 2));
  }
  auto size_before = fs::file_size(seg);
  Replayed r = Replay();
  EXPECT_EQ(r.bodies, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(r.stats.torn_segments, 1u);
  EXPECT_EQ(r.stats.dropped_bytes, partial.size() / 2);
  EXPECT_EQ(fs::file_size(seg), size_before - partial.size() / 2);
  // After the truncation the log is clean and accepts more.
  Wal wal({.dir = dir_});
  Wal::ReplayStats stats;
  ASSERT_TRUE(wal.Replay([](const std::string&, uint64_t, ByteView) {}, &stats).ok());
  EXPECT_EQ(stats.torn_segments, 0u);
  ASSERT_TRUE(wal.Start().ok());
  ASSERT_TRUE(AppendSync(wal, "t", 3, "third").ok());
  wal.Stop();
  EXPECT_EQ(Replay().bodies, (std::vector<std::string>{"first", "second", "third"}));
}

TEST_F(WalTest, CorruptedRecordStopsItsSegment) {
  {
    Wal wal({.dir = dir_});
    ASSERT_TRUE(wal.Start().ok());
    for (uint64_t i = 1; i <= 3; ++i) {
      ASSERT_TRUE(AppendSync(wal, "t", i, "payload-" + std::to_string(i)).ok());
    }
  }
  std::string seg = Segments("t").back();
  std::string bytes;
  {
    std::ifstream in(seg, std::ios::binary);
    bytes.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  size_t at = bytes.find("payload-2");
  ASSERT_NE(at, std::string::npos);
  bytes[at] ^= 0x40;  // flip a bit inside record 2
  {
    std::ofstream out(seg, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  Replayed r = Replay();
  EXPECT_EQ(r.bodies, std::vector<std::string>{"payload-1"});
  EXPECT_EQ(r.stats.torn_segments, 1u);
}

TEST_F(WalTest, GarbageSegmentIsMovedAside) {
  fs::create_directories(dir_ + "/t");
  std::ofstream(dir_ + "/t/00000000000000000001.wal") << "this is not a wal segment";
  Replayed r = Replay();
  EXPECT_TRUE(r.records.empty());
  EXPECT_TRUE(fs::exists(dir_ + "/t/00000000000000000001.wal.corrupt"));
}

TEST_F(WalTest, ConcurrentAppendsShareSyncsAndAllReplay) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  {
    Wal wal({.dir = dir_});
    ASSERT_TRUE(wal.Start().ok());
    std::atomic<uint64_t> seq{1};
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kPerThread; ++i) {
          uint64_t s = seq++;
          if (AppendSync(wal, "t", s, "x").ok()) {
            ++ok;
          }
        }
      });
    }
    for (auto& th : threads) {
      th.join();
    }
    EXPECT_EQ(ok.load(), kThreads * kPerThread);
  }
  EXPECT_EQ(Replay().records.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(WalTest, TruncateDeletesSegmentsBelowTheWatermark) {
  Wal wal({.dir = dir_, .segment_bytes = 1});  // every group closes its segment
  ASSERT_TRUE(wal.Start().ok());
  for (uint64_t i = 1; i <= 4; ++i) {
    ASSERT_TRUE(AppendSync(wal, "t", i, "r").ok());
  }
  EXPECT_EQ(Segments("t").size(), 4u);
  wal.Truncate("t", 3);  // records 1 and 2 are in flushed blocks
  ASSERT_TRUE(AppendSync(wal, "t", 5, "r").ok());  // the writer applies it on its next pass
  EXPECT_EQ(Segments("t").size(), 3u);
  EXPECT_EQ(wal.SegmentCount("t"), 3u);
  wal.Stop();
  Replayed r = Replay();
  std::vector<uint64_t> seqs;
  for (auto& [t, s] : r.records) {
    seqs.push_back(s);
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{3, 4, 5}));
}

TEST_F(WalTest, AppendsAfterStopAreRefused) {
  Wal wal({.dir = dir_});
  ASSERT_TRUE(wal.Start().ok());
  wal.Stop();
  EXPECT_EQ(AppendSync(wal, "t", 1, "late").code(), Code::kUnavailable);
}

TEST(WalRecordTest, ParserRejectsGarbage) {
  uint64_t seq = 0;
  auto noop = [](const WalTrace&) {};
  EXPECT_FALSE(ParsePayload(std::string_view("\x01\x02"), &seq, noop).ok());
  std::string huge_count(12, '\0');
  huge_count[8] = '\xff';
  huge_count[9] = '\xff';
  EXPECT_FALSE(ParsePayload(huge_count, &seq, noop).ok());
}

}  // namespace
}  // namespace vivace::ingester::wal
