#include "backend/memory_backend.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

namespace vivace::backend {

namespace {

class MemoryAppendWriter final : public AppendWriter {
 public:
  MemoryAppendWriter(std::string key, std::function<void(std::string_view, std::string)> put)
      : key_(std::move(key)), put_(std::move(put)) {}

  Status Append(ByteView data) override {
    if (closed_) {
      return Status::FailedPrecondition(fmt::format("append to closed object {}", key_));
    }
    buf_.append(data.str());
    return Status::Ok();
  }

  Status Close() override {
    if (closed_) {
      return Status::FailedPrecondition(fmt::format("object {} already closed", key_));
    }
    closed_ = true;
    put_(key_, std::move(buf_));
    return Status::Ok();
  }

 private:
  std::string key_;
  std::function<void(std::string_view, std::string)> put_;
  std::string buf_;
  bool closed_ = false;
};

}  // namespace

Result<InMemoryBackend::Object> InMemoryBackend::Get(std::string_view key) const {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return Status::NotFound(fmt::format("object {} not found", key));
  }
  return it->second;
}

void InMemoryBackend::Put(std::string_view key, std::string data) {
  auto obj = std::make_shared<const std::string>(std::move(data));
  std::lock_guard<std::mutex> lock(mu_);
  objects_.insert_or_assign(std::string(key), std::move(obj));
}

Result<std::string> InMemoryBackend::Read(std::string_view key) {
  VV_ASSIGN_OR_RETURN(Object obj, Get(key));
  return *obj;
}

Result<std::string> InMemoryBackend::ReadRange(std::string_view key, uint64_t offset,
                                               uint64_t length) {
  VV_ASSIGN_OR_RETURN(Object obj, Get(key));
  VV_RETURN_IF_ERROR(CheckRange(key, offset, length, obj->size()));
  return obj->substr(offset, length);
}

Result<uint64_t> InMemoryBackend::Size(std::string_view key) {
  VV_ASSIGN_OR_RETURN(Object obj, Get(key));
  return static_cast<uint64_t>(obj->size());
}

Status InMemoryBackend::Write(std::string_view key, ByteView data) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  Put(key, data.ToString());
  return Status::Ok();
}

Result<std::unique_ptr<AppendWriter>> InMemoryBackend::Append(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::unique_ptr<AppendWriter> w = std::make_unique<MemoryAppendWriter>(
      std::string(key), [this](std::string_view k, std::string data) { Put(k, std::move(data)); });
  return w;
}

Result<std::vector<std::string>> InMemoryBackend::List(std::string_view prefix) {
  VV_RETURN_IF_ERROR(ValidatePrefix(prefix));
  std::string start(prefix);
  if (!start.empty()) {
    start += '/';
  }
  std::vector<std::string> names;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = objects_.lower_bound(start); it != objects_.end(); ++it) {
    std::string_view k = it->first;
    if (!k.starts_with(start)) {
      break;
    }
    std::string_view rest = k.substr(start.size());
    std::string_view name = rest.substr(0, rest.find('/'));
    if (names.empty() || names.back() != name) {
      names.emplace_back(name);
    }
  }
  // Map order is by whole key, so "a.x/..." sorts before "a/...": sort by name again.
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Status InMemoryBackend::Delete(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(key);
  if (it != objects_.end()) {
    objects_.erase(it);
  }
  return Status::Ok();
}

size_t InMemoryBackend::ObjectCountForTesting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return objects_.size();
}

}  // namespace vivace::backend
