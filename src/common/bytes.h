#pragma once

// The one byte-buffer vocabulary of Vivace.
//  - ByteView: a non-owning view of bytes (LevelDB's Slice). A function that keeps a view past
//    the call says so in its comment.
//  - Bytes: owning, immutable, reference-counted and sliceable without copying, so a request
//    buffer can be handed from a network thread to a worker and sliced into per-trace parts.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace vivace {

class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  ByteView(const char* data, size_t size)
      : data_(reinterpret_cast<const uint8_t*>(data)), size_(size) {}
  ByteView(std::string_view s)  // NOLINT(google-explicit-constructor)
      : data_(reinterpret_cast<const uint8_t*>(s.data())), size_(s.size()) {}
  ByteView(const std::string& s)  // NOLINT(google-explicit-constructor)
      : ByteView(std::string_view(s)) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint8_t operator[](size_t i) const { return data_[i]; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }

  ByteView substr(size_t pos, size_t n) const { return {data_ + pos, n}; }
  ByteView substr(size_t pos) const { return {data_ + pos, size_ - pos}; }
  std::string_view str() const { return {reinterpret_cast<const char*>(data_), size_}; }
  std::string ToString() const { return std::string(str()); }

  friend bool operator==(ByteView a, ByteView b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_) == 0);
  }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

class Bytes {
 public:
  Bytes() = default;
  // Takes ownership of `s` without copying.
  explicit Bytes(std::string s) {
    auto owner = std::make_shared<const std::string>(std::move(s));
    view_ = ByteView(*owner);
    owner_ = std::move(owner);
  }
  static Bytes CopyOf(ByteView v) { return Bytes(std::string(v.str())); }

  ByteView view() const { return view_; }
  const uint8_t* data() const { return view_.data(); }
  size_t size() const { return view_.size(); }
  bool empty() const { return view_.empty(); }
  std::string_view str() const { return view_.str(); }

  // A slice sharing the same owner. REQUIRES: pos + n <= size().
  Bytes Slice(size_t pos, size_t n) const {
    Bytes b;
    b.owner_ = owner_;
    b.view_ = view_.substr(pos, n);
    return b;
  }
  // A slice for a view that lies inside this buffer.
  Bytes SliceOf(ByteView inner) const {
    return Slice(static_cast<size_t>(inner.data() - view_.data()), inner.size());
  }

 private:
  std::shared_ptr<const void> owner_;
  ByteView view_;
};

}  // namespace vivace
