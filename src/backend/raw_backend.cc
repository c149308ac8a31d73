#include "backend/raw_backend.h"

#include <fmt/format.h>

#include "backend/keys.h"

namespace vivace::backend {

AppendWriter::~AppendWriter() = default;

namespace {

// Object stores cap keys at 1024 bytes; file systems cap a path segment at 255.
constexpr size_t kMaxKeyBytes = 1024;
constexpr size_t kMaxSegmentBytes = 255;

Status BadKey(std::string_view key, std::string_view why) {
  // Keys come from our own code or from listings; quote at most a bounded prefix.
  return Status::InvalidArgument(
      fmt::format("invalid object key \"{}\": {}", key.substr(0, 128), why));
}

}  // namespace

Status ValidateKey(std::string_view key) {
  if (key.empty()) {
    return BadKey(key, "empty");
  }
  if (key.size() > kMaxKeyBytes) {
    return BadKey(key, "longer than 1024 bytes");
  }
  if (key.front() == '/') {
    return BadKey(key, "absolute path");
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) {
      end = key.size();
    }
    std::string_view seg = key.substr(start, end - start);
    if (seg.empty()) {
      return BadKey(key, "empty path segment");
    }
    if (seg == "." || seg == "..") {
      return BadKey(key, "relative path segment");
    }
    if (seg.size() > kMaxSegmentBytes) {
      return BadKey(key, "path segment longer than 255 bytes");
    }
    if (seg.find('\0') != std::string_view::npos) {
      return BadKey(key, "NUL byte");
    }
    if (seg.starts_with(kTempObjectPrefix)) {
      return BadKey(key, "reserved name");
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status ValidatePrefix(std::string_view prefix) {
  if (prefix.empty()) {
    return Status::Ok();
  }
  return ValidateKey(prefix);
}

std::string JoinKey(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (!out.empty()) {
      out += '/';
    }
    out += p;
  }
  return out;
}

Status CheckRange(std::string_view key, uint64_t offset, uint64_t length, uint64_t size) {
  if (offset > size || length > size - offset) {
    return Status(Code::kOutOfRange, fmt::format("range {}+{} past the end of object {} ({} bytes)",
                                                 offset, length, key, size));
  }
  return Status::Ok();
}

}  // namespace vivace::backend
