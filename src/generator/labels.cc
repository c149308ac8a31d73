#include "generator/labels.h"

#include <algorithm>
#include <cstring>

#include "common/hash.h"

namespace vivace::generator {
namespace {

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
void Truncate(std::string& s, size_t max) {
  if (max == 0 || s.size() <= max) {
    return;
  }
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) {
    --n;
  }
  s.resize(n);
}

void AppendKey(std::string& key, std::string_view name, std::string_view value) {
  key.append(name);
  key.push_back('\xff');
  key.append(value);
  key.push_back('\xfe');
}

}  // namespace

std::string SanitizeLabelName(std::string_view name) {
  std::string out;
  if (name.empty()) {
    return out;
  }
  out.reserve(name.size() + 1);
  if (name[0] >= '0' && name[0] <= '9') {
    out.push_back('_');
  }
  for (char c : name) {
    out.push_back(IsLabelChar(c) ? c : '_');
  }
  return out;
}

LabelBuilder::Entry& LabelBuilder::Slot() {
  if (count_ == entries_.size()) {
    entries_.emplace_back();
  }
  return entries_[count_];
}

void LabelBuilder::Commit(Entry& e) {
  Truncate(e.name, max_name_);
  Truncate(e.value, max_value_);
  // Later additions of the same name win; an empty value deletes.
  for (size_t i = 0; i < count_; ++i) {
    if (entries_[i].name == e.name) {
      if (e.value.empty()) {
        std::swap(entries_[i], entries_[count_ - 1]);
        --count_;
      } else {
        std::swap(entries_[i].value, e.value);
      }
      return;
    }
  }
  if (!e.value.empty()) {
    ++count_;
  }
}

void LabelBuilder::Add(std::string_view name, std::string_view value) {
  Entry& e = Slot();
  e.name.assign(name);
  e.value.assign(value);
  Commit(e);
}

std::string& LabelBuilder::Scratch() { return Slot().value; }

void LabelBuilder::AddScratch(std::string_view name) {
  Entry& e = Slot();
  e.name.assign(name);
  Commit(e);
}

uint64_t LabelBuilder::Finish() {
  order_.resize(count_);
  for (size_t i = 0; i < count_; ++i) {
    order_[i] = static_cast<uint32_t>(i);
  }
  std::sort(order_.begin(), order_.end(),
            [this](uint32_t a, uint32_t b) { return entries_[a].name < entries_[b].name; });
  key_.clear();
  for (uint32_t i : order_) {
    AppendKey(key_, entries_[i].name, entries_[i].value);
  }
  valid_utf8_ = true;
  for (size_t i = 0; i < count_ && valid_utf8_; ++i) {
    valid_utf8_ = IsValidUtf8(entries_[i].name) && IsValidUtf8(entries_[i].value);
  }

  return Hash64(key_.data(), key_.size());
}

LabelSet LabelBuilder::ToLabelSet() const {
  LabelSet out;
  out.reserve(count_);
  for (size_t i = 0; i < count_; ++i) {
    out.push_back({std::string(name(i)), std::string(value(i))});
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // ASCII fast path, eight bytes at a time.
    if (i + 8 <= n) {
      uint64_t w = 0;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) {
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return false;
      }
      cp = cp << 6 | (cc & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
        || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += len;
  }
  return true;
}

uint64_t HashLabels(const LabelSet& labels) {
  std::string key;
  for (const Label& l : labels) {
    AppendKey(key, l.name, l.value);
  }
  return Hash64(key.data(), key.size());
}

}  // namespace vivace::generator
