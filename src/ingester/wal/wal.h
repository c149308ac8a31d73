#pragma once

// The ingester's write-ahead log: every push is appended as one record to its tenant's current
// segment (<dir>/<tenant>/<first seq>.wal) and acknowledged only after the segment is on disk.
// One writer thread does group commit (LevelDB's BuildBatchGroup idea): it takes every record
// queued since its last pass, writes each tenant's records with one write, fdatasyncs each file
// it touched once, then completes all their callbacks. With `sync_interval` > 0 it waits that
// long to gather a bigger group first; acks always wait for the sync.
//
// Replay scans each tenant's segments in order and stops a segment at its first torn or
// corrupt record, truncating the file there. Segments whose records have all been persisted in
// flushed blocks are deleted by Truncate(watermark).
// Format: docs/format/wal.md. Thread-safe.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/bytes.h"
#include "common/duration.h"
#include "common/status.h"

namespace vivace::ingester::wal {

class Wal {
 public:
  struct Options {
    std::string dir;
    int64_t segment_bytes = 64 << 20;
    Duration sync_interval{0};  // 0: sync as soon as a group forms
  };
  struct ReplayStats {
    uint64_t segments = 0;
    uint64_t records = 0;
    uint64_t torn_segments = 0;     // segments cut at a torn or corrupt record
    uint64_t dropped_bytes = 0;     // bytes removed from those segments
  };
  using RecordFn =
      std::function<void(const std::string& tenant, uint64_t seq, ByteView payload)>;

  explicit Wal(Options options);
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;
  ~Wal();

  // Reads every existing segment, calling `fn` per valid record in order. Call once, before
  // Start(). Truncates torn tails; moves unreadable segments aside as *.corrupt.
  Status Replay(const RecordFn& fn, ReplayStats* stats);
  Status Start();
  // Stops accepting, writes and syncs what is queued, joins the writer.
  void Stop();

  // Queues one record (from RecordBuilder) for `tenant`. `done` runs on the writer thread once
  // the record is durable (OK) or could not be written (UNAVAILABLE). Records of one tenant are
  // written in the order they are appended.
  void Append(const std::string& tenant, std::string record, uint64_t seq,
              std::function<void(Status)> done);
  // Deletes `tenant`'s closed segments whose records all have seq < watermark.
  void Truncate(const std::string& tenant, uint64_t watermark);

  // Number of segment files currently kept for `tenant` (for tests and metrics).
  size_t SegmentCount(const std::string& tenant) const;

 private:
  struct Pending {
    std::string tenant;
    std::string record;
    uint64_t seq;
    std::function<void(Status)> done;
  };
  struct Segment {
    uint64_t first_seq;
    uint64_t last_seq;
    std::string path;
  };
  struct TenantLog {
    int fd = -1;
    Segment active{};
    int64_t active_bytes = 0;
    std::vector<Segment> closed;  // oldest first
  };

  void Loop();
  void WriteGroup(std::vector<Pending>& group);
  Status OpenSegment(const std::string& tenant, TenantLog& log, uint64_t first_seq);
  void CloseActive(TenantLog& log);
  // Deletes closed segments below the requested watermarks; then publishes segment counts.
  void ApplyTruncations();
  std::string TenantDir(const std::string& tenant) const;

  Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;                      // guarded by mu_
  std::map<std::string, uint64_t> watermarks_;     // guarded by mu_
  std::map<std::string, size_t> segment_counts_;   // guarded by mu_
  bool truncation_requested_ = false;              // guarded by mu_
  bool stopping_ = false;                          // guarded by mu_
  bool started_ = false;                           // guarded by mu_
  std::thread writer_;
  // Owned by the writer thread (by Replay before Start, by Stop after the writer has joined);
  // no lock is held while it does I/O.
  std::map<std::string, TenantLog> logs_;
};

}  // namespace vivace::ingester::wal
