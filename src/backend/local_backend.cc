#include "backend/local_backend.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <system_error>

#include <fmt/format.h>

#include "backend/keys.h"

namespace vivace::backend {

namespace {

// How often a write retries when a concurrent Delete pruned its directory in between.
constexpr int kMaxDirRaces = 20;

Status ErrnoStatus(std::string_view op, const std::string& path, int err) {
  // std::error_code::message, unlike strerror, is thread-safe.
  std::string msg =
      fmt::format("{} {}: {}", op, path, std::error_code(err, std::generic_category()).message());
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Status::NotFound(std::move(msg));
    case EACCES:
    case EPERM:
    case EROFS:
      return Status::PermissionDenied(std::move(msg));
    case ENOSPC:
    case EDQUOT:
      return Status::ResourceExhausted(std::move(msg));
    default:
      return Status::Internal(std::move(msg));
  }
}

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}

  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&&) = delete;
  Fd& operator=(Fd&&) = delete;

  ~Fd() { Reset(); }

  int get() const { return fd_; }

  // Closes now and reports a failed close (which can carry a deferred write error).
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  void Reset() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  int fd_;
};

Status WriteAll(int fd, ByteView data, const std::string& path) {
  const uint8_t* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ErrnoStatus("write", path, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status FsyncPath(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    return ErrnoStatus("open directory", dir, errno);
  }
  if (::fsync(fd.get()) != 0) {
    return ErrnoStatus("fsync directory", dir, errno);
  }
  return Status::Ok();
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

std::string RandomSuffix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

// Opens `path` for reading and returns its size. NotFound for directories, which are only
// prefixes in object-store terms.
Result<uint64_t> OpenForRead(const std::string& path, int* fd_out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoStatus("open", path, errno == EISDIR ? ENOENT : errno);
  }

  struct stat st {};

  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("stat", path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return ErrnoStatus("open", path, ENOENT);
  }
  *fd_out = fd;
  return static_cast<uint64_t>(st.st_size);
}

Result<std::string> ReadAt(int fd, uint64_t offset, uint64_t length, const std::string& path) {
  std::string out(length, '\0');
  uint64_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ErrnoStatus("read", path, errno);
    }
    if (n == 0) {
      return Status::DataLoss(fmt::format("read {}: object shorter than expected", path));
    }
    done += static_cast<uint64_t>(n);
  }
  return out;
}

Status RemoveTempFilesUnder(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return errno == ENOENT || errno == ENOTDIR ? Status::Ok() : ErrnoStatus("open", dir, errno);
  }
  std::vector<std::string> subdirs;
  Status status;
  while (struct dirent* e = ::readdir(d)) {  // NOLINT(concurrency-mt-unsafe): one stream
    std::string_view name = e->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    std::string path = dir + "/" + std::string(name);
    if (name.starts_with(kTempObjectPrefix)) {
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        status = ErrnoStatus("unlink", path, errno);
      }
      continue;
    }

    struct stat st {};

    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      subdirs.push_back(std::move(path));
    }
  }
  ::closedir(d);
  for (const std::string& sub : subdirs) {
    Status s = RemoveTempFilesUnder(sub);
    if (!s.ok()) {
      status = std::move(s);
    }
    // A directory left empty (a write that a crash interrupted before it published anything)
    // is no object; rmdir fails harmlessly on one that is not empty.
    ::rmdir(sub.c_str());
  }
  return status;
}

}  // namespace

class LocalAppendWriter final : public AppendWriter {
 public:
  LocalAppendWriter(LocalBackend* backend, std::string key, int fd, std::string tmp_path)
      : backend_(backend), key_(std::move(key)), fd_(fd), tmp_path_(std::move(tmp_path)) {}

  LocalAppendWriter(const LocalAppendWriter&) = delete;
  LocalAppendWriter& operator=(const LocalAppendWriter&) = delete;
  LocalAppendWriter(LocalAppendWriter&&) = delete;
  LocalAppendWriter& operator=(LocalAppendWriter&&) = delete;

  ~LocalAppendWriter() override {
    if (!closed_) {
      // Abandoned: the object never becomes visible.
      ::unlink(tmp_path_.c_str());
      backend_->PruneEmptyDirs(key_);
    }
  }

  Status Append(ByteView data) override {
    if (closed_) {
      return Status::FailedPrecondition(fmt::format("append to closed object {}", key_));
    }
    return WriteAll(fd_.get(), data, tmp_path_);
  }

  Status Close() override {
    if (closed_) {
      return Status::FailedPrecondition(fmt::format("object {} already closed", key_));
    }
    closed_ = true;
    Status s;
    if (::fsync(fd_.get()) != 0) {
      s = ErrnoStatus("fsync", tmp_path_, errno);
    }
    if (fd_.Close() != 0 && s.ok()) {
      s = ErrnoStatus("close", tmp_path_, errno);
    }
    if (s.ok()) {
      s = backend_->Publish(key_, tmp_path_);
    }
    if (!s.ok()) {
      ::unlink(tmp_path_.c_str());
    }
    return s;
  }

 private:
  LocalBackend* backend_;
  std::string key_;
  Fd fd_;
  std::string tmp_path_;
  bool closed_ = false;
};

LocalBackend::LocalBackend(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') {
    root_.pop_back();
  }
  if (root_.empty()) {
    root_ = ".";
  }
}

std::string LocalBackend::PathOf(std::string_view key) const {
  return key.empty() ? root_ : root_ + "/" + std::string(key);
}

Status LocalBackend::MakeParentDirs(std::string_view key) {
  // The root itself, then each directory segment of the key.
  std::vector<std::string> dirs{root_};
  for (size_t pos = key.find('/'); pos != std::string_view::npos; pos = key.find('/', pos + 1)) {
    dirs.push_back(PathOf(key.substr(0, pos)));
  }
  for (const std::string& dir : dirs) {
    if (::mkdir(dir.c_str(), 0755) == 0) {
      // A new directory entry is durable only once its parent is synced.
      VV_RETURN_IF_ERROR(FsyncPath(ParentOf(dir)));
    } else if (errno != EEXIST) {
      return ErrnoStatus("mkdir", dir, errno);
    }
  }
  return Status::Ok();
}

void LocalBackend::PruneEmptyDirs(std::string_view key) {
  for (size_t pos = key.rfind('/'); pos != std::string_view::npos && pos > 0;
       pos = key.rfind('/', pos - 1)) {
    // rmdir fails on a non-empty directory, which ends the walk.
    if (::rmdir(PathOf(key.substr(0, pos)).c_str()) != 0) {
      return;
    }
  }
}

Result<int> LocalBackend::CreateTemp(std::string_view key, std::string* tmp_path) {
  std::string path = PathOf(key);
  // NotFound / ENOENT below: a concurrent Delete pruned a directory we had just created (or
  // were about to create a child in); build the path again.
  for (int attempt = 0;; ++attempt) {
    Status s = MakeParentDirs(key);
    if (!s.ok()) {
      if (s.code() == Code::kNotFound && attempt < kMaxDirRaces) {
        continue;
      }
      return s;
    }
    *tmp_path = ParentOf(path) + "/" + std::string(kTempObjectPrefix) + RandomSuffix();
    int fd = ::open(tmp_path->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      return fd;
    }
    if (errno != ENOENT || attempt == kMaxDirRaces) {
      return ErrnoStatus("create", *tmp_path, errno);
    }
  }
}

Status LocalBackend::Publish(std::string_view key, const std::string& tmp_path) {
  std::string path = PathOf(key);
  if (::rename(tmp_path.c_str(), path.c_str()) != 0) {
    return ErrnoStatus("rename", path, errno);
  }
  return FsyncPath(ParentOf(path));
}

Result<std::string> LocalBackend::Read(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);
  int raw_fd = -1;
  VV_ASSIGN_OR_RETURN(uint64_t size, OpenForRead(path, &raw_fd));
  Fd fd(raw_fd);
  return ReadAt(fd.get(), 0, size, path);
}

Result<std::string> LocalBackend::ReadRange(std::string_view key, uint64_t offset,
                                            uint64_t length) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);
  int raw_fd = -1;
  VV_ASSIGN_OR_RETURN(uint64_t size, OpenForRead(path, &raw_fd));
  Fd fd(raw_fd);
  VV_RETURN_IF_ERROR(CheckRange(key, offset, length, size));
  return ReadAt(fd.get(), offset, length, path);
}

Result<uint64_t> LocalBackend::Size(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);

  struct stat st {};

  if (::stat(path.c_str(), &st) != 0) {
    return ErrnoStatus("stat", path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return ErrnoStatus("stat", path, ENOENT);
  }
  return static_cast<uint64_t>(st.st_size);
}

Status LocalBackend::Write(std::string_view key, ByteView data) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::string tmp;
  VV_ASSIGN_OR_RETURN(int raw_fd, CreateTemp(key, &tmp));
  Fd fd(raw_fd);
  Status s = WriteAll(fd.get(), data, tmp);
  if (s.ok() && ::fsync(fd.get()) != 0) {
    s = ErrnoStatus("fsync", tmp, errno);
  }
  if (fd.Close() != 0 && s.ok()) {
    s = ErrnoStatus("close", tmp, errno);
  }
  if (s.ok()) {
    s = Publish(key, tmp);
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
  }
  return s;
}

Result<std::unique_ptr<AppendWriter>> LocalBackend::Append(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::string tmp;
  VV_ASSIGN_OR_RETURN(int fd, CreateTemp(key, &tmp));
  std::unique_ptr<AppendWriter> w =
      std::make_unique<LocalAppendWriter>(this, std::string(key), fd, std::move(tmp));
  return w;
}

Result<std::vector<std::string>> LocalBackend::List(std::string_view prefix) {
  VV_RETURN_IF_ERROR(ValidatePrefix(prefix));
  std::string dir = PathOf(prefix);
  DIR* d = ::opendir(dir.c_str());
  std::vector<std::string> names;
  if (d == nullptr) {
    // No such prefix (or it is an object, not a prefix): nothing below it.
    if (errno == ENOENT || errno == ENOTDIR) {
      return names;
    }
    return ErrnoStatus("list", dir, errno);
  }
  while (struct dirent* e = ::readdir(d)) {  // NOLINT(concurrency-mt-unsafe): one stream
    std::string_view name = e->d_name;
    if (name == "." || name == ".." || name.starts_with(kTempObjectPrefix)) {
      continue;
    }
    names.emplace_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Status LocalBackend::Delete(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::string path = PathOf(key);
  if (::unlink(path.c_str()) != 0) {
    // Absent, or only a prefix (a directory): there is no object to delete.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) {
      return Status::Ok();
    }
    return ErrnoStatus("delete", path, errno);
  }
  PruneEmptyDirs(key);
  return Status::Ok();
}

Status LocalBackend::RemoveTempFiles(std::string_view prefix) {
  VV_RETURN_IF_ERROR(ValidatePrefix(prefix));
  return RemoveTempFilesUnder(PathOf(prefix));
}

}  // namespace vivace::backend
