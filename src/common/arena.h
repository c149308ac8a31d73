#pragma once

// A bump allocator (LevelDB's util/arena.h idea): decoders allocate scratch objects for one
// request from it and everything is freed at once with the arena. Not thread-safe; one arena
// belongs to one request.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace vivace {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() = default;

  // Returns `bytes` bytes aligned to `align` (a power of two, at most 16).
  void* Allocate(size_t bytes, size_t align = alignof(std::max_align_t));

  // Constructs a trivially destructible T in the arena.
  template <typename T, typename... Args>
  T* New(Args&&... args) {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    return new (Allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }

  // Copies `s` into the arena and returns a view of the copy.
  std::string_view CopyString(std::string_view s);

  size_t MemoryUsage() const { return usage_; }
  // Frees everything allocated so far.
  void Reset();

 private:
  static constexpr size_t kBlockSize = 16 * 1024;
  char* NewBlock(size_t bytes);

  char* ptr_ = nullptr;
  size_t remaining_ = 0;
  size_t usage_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
};

}  // namespace vivace
