#include "ingester/wal/wal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "common/logging.h"
#include "common/metrics.h"
#include "ingester/wal/wal_record.h"

namespace vivace::ingester::wal {
namespace {

namespace fs = std::filesystem;

struct WalMetrics {
  metrics::Counter& appends;
  metrics::Counter& bytes;
  metrics::Counter& syncs;
  metrics::Histogram& sync_seconds;
  metrics::Counter& replayed;
  metrics::Counter& corrupt;
  metrics::Counter& replay_errors;
};

WalMetrics& Metrics() {
  auto& r = metrics::DefaultRegistry();
  static WalMetrics m{
      r.NewCounter("vivace_wal_records_appended_total", "WAL records (pushes) made durable.")
          .WithLabels(),
      r.NewCounter("vivace_wal_bytes_written_total", "Bytes written to the WAL.").WithLabels(),
      r.NewCounter("vivace_wal_syncs_total", "fdatasync calls on WAL segments.").WithLabels(),
      r.NewHistogram("vivace_wal_sync_duration_seconds", "Duration of one WAL group commit sync.",
                     {}, metrics::ExponentialBuckets(0.0001, 2, 14))
          .WithLabels(),
      r.NewCounter("vivace_wal_replayed_records_total", "WAL records replayed at start.")
          .WithLabels(),
      r.NewCounter("vivace_wal_truncated_segments_total",
                   "WAL segments cut at a torn or corrupt record during replay.")
          .WithLabels(),
      r.NewCounter("tempo_ingester_replay_errors_total", "Errors while replaying the WAL.",
                   {"tenant"})
          .WithLabels({""}),
  };
  return m;
}

std::string SegmentName(uint64_t first_seq) { return fmt::format("{:020}.wal", first_seq); }

bool ParseSegmentName(const std::string& name, uint64_t* seq) {
  if (name.size() != 24 || name.substr(20) != ".wal") {
    return false;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') {
      return false;
    }
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *seq = v;
  return true;
}

Status WriteAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Status::Unavailable(fmt::format("wal write failed: {}", std::strerror(errno)));
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

void SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Wal::Wal(Options options) : options_(std::move(options)) {}

Wal::~Wal() { Stop(); }

std::string Wal::TenantDir(const std::string& tenant) const { return options_.dir + "/" + tenant; }

Status Wal::Replay(const RecordFn& fn, ReplayStats* stats) {
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  if (ec) {
    return Status::Unavailable(
        fmt::format("cannot create wal directory {}: {}", options_.dir, ec.message()));
  }
  std::vector<std::string> tenants;
  for (const auto& e : fs::directory_iterator(options_.dir, ec)) {
    if (e.is_directory()) {
      tenants.push_back(e.path().filename().string());
    }
  }
  std::sort(tenants.begin(), tenants.end());
  for (const std::string& tenant : tenants) {
    std::vector<std::pair<uint64_t, std::string>> files;
    for (const auto& e : fs::directory_iterator(TenantDir(tenant), ec)) {
      uint64_t seq = 0;
      std::string name = e.path().filename().string();
      if (e.is_regular_file() && ParseSegmentName(name, &seq)) {
        files.emplace_back(seq, e.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    TenantLog& log = logs_[tenant];
    for (auto& [first_seq, path] : files) {
      std::ifstream in(path, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      uint64_t last_seq = first_seq;
      SegmentScan scan = ScanSegment(bytes, [&](uint64_t seq, ByteView payload) {
        last_seq = seq;
        fn(tenant, seq, payload);
      });
      stats->segments++;
      stats->records += scan.records;
      Metrics().replayed.Inc(static_cast<double>(scan.records));
      if (!scan.header_ok) {
        if (!bytes.empty()) {
          VV_ERROR("wal segment unreadable, moved aside", {"tenant", tenant}, {"segment", path});
          fs::rename(path, path + ".corrupt", ec);
          Metrics().replay_errors.Inc();
        } else {
          fs::remove(path, ec);
        }
        continue;
      }
      if (scan.torn) {
        uint64_t dropped = bytes.size() - scan.valid_bytes;
        stats->torn_segments++;
        stats->dropped_bytes += dropped;
        Metrics().corrupt.Inc();
        VV_WARN("wal segment has a torn or corrupt tail, truncating", {"tenant", tenant},
                {"segment", path}, {"records_kept", scan.records}, {"bytes_dropped", dropped});
        if (::truncate(path.c_str(), static_cast<off_t>(scan.valid_bytes)) != 0) {
          return Status::Unavailable(fmt::format("cannot truncate wal segment {}", path));
        }
      }
      log.closed.push_back({first_seq, last_seq, path});
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [tenant, log] : logs_) {
    segment_counts_[tenant] = log.closed.size();
  }
  return Status::Ok();
}

Status Wal::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) {
    return Status::Ok();
  }
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  if (ec) {
    return Status::Unavailable(
        fmt::format("cannot create wal directory {}: {}", options_.dir, ec.message()));
  }
  started_ = true;
  writer_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void Wal::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) {
    writer_.join();
  }
  for (auto& [tenant, log] : logs_) {
    CloseActive(log);
  }
  std::deque<Pending> refused;
  {
    std::lock_guard<std::mutex> lock(mu_);
    refused.swap(queue_);
  }
  for (Pending& p : refused) {
    p.done(Status::Unavailable("wal is stopped"));
  }
}

void Wal::Append(const std::string& tenant, std::string record, uint64_t seq,
                 std::function<void(Status)> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || !started_) {
      done(Status::Unavailable("wal is not accepting writes"));
      return;
    }
    queue_.push_back({tenant, std::move(record), seq, std::move(done)});
  }
  cv_.notify_one();
}

void Wal::Truncate(const std::string& tenant, uint64_t watermark) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t& w = watermarks_[tenant];
    w = std::max(w, watermark);
    truncation_requested_ = true;
  }
  cv_.notify_one();
}

size_t Wal::SegmentCount(const std::string& tenant) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = segment_counts_.find(tenant);
  return it == segment_counts_.end() ? 0 : it->second;
}

void Wal::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (queue_.empty()) {
      if (truncation_requested_) {
        truncation_requested_ = false;
        lock.unlock();
        ApplyTruncations();
        lock.lock();
        continue;
      }
      if (stopping_) {
        return;
      }
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty() || truncation_requested_; });
      continue;
    }
    if (options_.sync_interval.count() > 0 && !stopping_) {
      // Gather a bigger group; the acks of what is queued wait for the sync anyway.
      cv_.wait_for(lock, options_.sync_interval, [this] { return stopping_; });
    }
    std::vector<Pending> group(std::make_move_iterator(queue_.begin()),
                               std::make_move_iterator(queue_.end()));
    queue_.clear();
    lock.unlock();
    WriteGroup(group);
    lock.lock();
  }
}

Status Wal::OpenSegment(const std::string& tenant, TenantLog& log, uint64_t first_seq) {
  std::string dir = TenantDir(tenant);
  std::error_code ec;
  bool created_dir = fs::create_directories(dir, ec);
  if (ec) {
    return Status::Unavailable(
        fmt::format("cannot create wal directory {}: {}", dir, ec.message()));
  }
  if (created_dir) {
    SyncDir(options_.dir);
  }
  std::string path = dir + "/" + SegmentName(first_seq);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Unavailable(
        fmt::format("cannot create wal segment {}: {}", path, std::strerror(errno)));
  }
  std::string header = SegmentHeader();
  VV_RETURN_IF_ERROR(WriteAll(fd, header.data(), header.size()));
  SyncDir(dir);  // the new file's directory entry must survive a crash too
  log.fd = fd;
  log.active = {first_seq, first_seq, path};
  log.active_bytes = static_cast<int64_t>(header.size());
  return Status::Ok();
}

void Wal::CloseActive(TenantLog& log) {
  if (log.fd < 0) {
    return;
  }
  ::fdatasync(log.fd);
  ::close(log.fd);
  log.fd = -1;
  log.closed.push_back(log.active);
}

void Wal::ApplyTruncations() {
  std::map<std::string, uint64_t> marks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    marks = watermarks_;
  }
  for (auto& [tenant, log] : logs_) {
    auto it = marks.find(tenant);
    if (it != marks.end() && log.fd >= 0 && log.active.last_seq < it->second) {
      // Everything in the active segment is in flushed blocks too: retire it now rather than
      // replaying it (as duplicates) after a restart. The next record opens a new segment.
      CloseActive(log);
    }
    // A closed segment is removable when every record in it is below the watermark.
    while (it != marks.end() && !log.closed.empty() && log.closed.front().last_seq < it->second) {
      std::error_code ec;
      fs::remove(log.closed.front().path, ec);
      log.closed.erase(log.closed.begin());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [tenant, log] : logs_) {
    segment_counts_[tenant] = log.closed.size() + (log.fd >= 0 ? 1 : 0);
  }
}

void Wal::WriteGroup(std::vector<Pending>& group) {
  WalMetrics& m = Metrics();
  // Per tenant: one buffer in arrival order.
  std::map<std::string, std::string> buffers;
  std::map<std::string, Status> results;
  for (const Pending& p : group) {
    buffers[p.tenant] += p.record;
  }
  std::vector<int> touched;
  {
    for (auto& [tenant, buf] : buffers) {
      TenantLog& log = logs_[tenant];
      Status s;
      if (log.fd < 0) {
        uint64_t first = 0;
        for (const Pending& p : group) {
          if (p.tenant == tenant) {
            first = p.seq;
            break;
          }
        }
        s = OpenSegment(tenant, log, first);
      }
      if (s.ok()) {
        s = WriteAll(log.fd, buf.data(), buf.size());
      }
      if (s.ok()) {
        log.active_bytes += static_cast<int64_t>(buf.size());
        for (const Pending& p : group) {
          if (p.tenant == tenant) {
            log.active.last_seq = std::max(log.active.last_seq, p.seq);
          }
        }
        touched.push_back(log.fd);
        m.bytes.Inc(static_cast<double>(buf.size()));
      } else {
        VV_ERROR("wal write failed", {"tenant", tenant}, {"err", s});
        if (log.fd >= 0) {
          ::close(log.fd);
          log.fd = -1;
          log.closed.push_back(log.active);
        }
      }
      results[tenant] = s;
    }
  }
  auto start = std::chrono::steady_clock::now();
  for (int fd : touched) {
    if (::fdatasync(fd) != 0) {
      // A failed sync means the data may not be on disk: refuse the acks of every tenant.
      for (auto& [tenant, s] : results) {
        if (s.ok()) {
          s = Status::Unavailable(fmt::format("wal sync failed: {}", std::strerror(errno)));
        }
      }
    }
    m.syncs.Inc();
  }
  m.sync_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  for (auto& [tenant, log] : logs_) {
    if (log.fd >= 0 && log.active_bytes >= options_.segment_bytes) {
      CloseActive(log);
    }
  }
  ApplyTruncations();
  for (Pending& p : group) {
    const Status& s = results[p.tenant];
    if (s.ok()) {
      m.appends.Inc();
    }
    p.done(s);
  }
}

}  // namespace vivace::ingester::wal
