#include "common/arena.h"

#include <cstring>

namespace vivace {

void* Arena::Allocate(size_t bytes, size_t align) {
  size_t misalign = reinterpret_cast<uintptr_t>(ptr_) & (align - 1);
  size_t pad = misalign == 0 ? 0 : align - misalign;
  if (bytes + pad <= remaining_) {
    char* p = ptr_ + pad;
    ptr_ += bytes + pad;
    remaining_ -= bytes + pad;
    return p;
  }
  if (bytes > kBlockSize / 4) {
    // Large objects get their own block so the current block's tail is not wasted.
    return NewBlock(bytes);
  }
  ptr_ = NewBlock(kBlockSize);
  remaining_ = kBlockSize;
  char* p = ptr_;
  ptr_ += bytes;
  remaining_ -= bytes;
  return p;
}

std::string_view Arena::CopyString(std::string_view s) {
  if (s.empty()) {
    return {};
  }
  char* p = static_cast<char*>(Allocate(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

void Arena::Reset() {
  blocks_.clear();
  ptr_ = nullptr;
  remaining_ = 0;
  usage_ = 0;
}

char* Arena::NewBlock(size_t bytes) {
  // new char[] is aligned for any fundamental type.
  blocks_.push_back(std::make_unique<char[]>(bytes));
  usage_ += bytes;
  return blocks_.back().get();
}

}  // namespace vivace
