#pragma once

// Per-chunk string dictionaries (storage spec §8.6). Values are sorted bytewise, so code order
// is value order: `=` is a binary search, `<`/`>` are code ranges, and a regex is evaluated once
// per entry. A chunk is dictionary-encoded only when that pays (PlanStringChunk); otherwise it
// is written as BYTES. Stored form: one zstd frame of `u32 count | BYTES(values)`
// (docs/format/encodings.md).

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

// An immutable sorted set of distinct byte strings; code i is the i-th smallest. Thread-safe
// for reads.
class Dictionary {
 public:
  Dictionary() = default;
  // Sorts and de-duplicates `values`.
  static Dictionary FromValues(std::span<const std::string_view> values);

  uint32_t size() const {
    return offsets_.empty() ? 0 : static_cast<uint32_t>(offsets_.size() - 1);
  }
  // REQUIRES: code < size().
  std::string_view value(uint32_t code) const {
    return std::string_view(data_).substr(offsets_[code], offsets_[code + 1] - offsets_[code]);
  }
  // The code of `v`, if present (binary search).
  std::optional<uint32_t> Find(std::string_view v) const;
  // The first code whose value is >= v (size() if none): values in [a, b) have codes in
  // [LowerBound(a), LowerBound(b)).
  uint32_t LowerBound(std::string_view v) const;
  // The first code whose value is > v (size() if none).
  uint32_t UpperBound(std::string_view v) const;

  // Total bytes of all values.
  size_t value_bytes() const { return data_.size(); }

  // The uncompressed dictionary page: u32 count | BYTES of the values in code order.
  std::string SerializeRaw() const;
  // Parses SerializeRaw output. DataLoss unless the values are strictly ascending.
  static Result<Dictionary> ParseRaw(ByteView raw);

 private:
  std::string data_;
  std::vector<uint32_t> offsets_{0};  // size() + 1 entries
};

// Collects the distinct values of a chunk, then sorts them into a Dictionary. Owned by one
// writer; not thread-safe.
class DictionaryBuilder {
 public:
  DictionaryBuilder() = default;
  // Not copyable: the map's keys view the strings of this builder's deque.
  DictionaryBuilder(const DictionaryBuilder&) = delete;
  DictionaryBuilder& operator=(const DictionaryBuilder&) = delete;
  DictionaryBuilder(DictionaryBuilder&&) = default;
  DictionaryBuilder& operator=(DictionaryBuilder&&) = default;
  ~DictionaryBuilder() = default;

  // Adds a value and returns its provisional id (ids follow first insertion).
  uint32_t Add(std::string_view v);
  size_t distinct() const { return values_.size(); }
  size_t value_bytes() const { return value_bytes_; }

  struct Built {
    Dictionary dictionary;
    std::vector<uint32_t> code_of;  // provisional id -> dictionary code
  };
  Built Build() const;

 private:
  std::deque<std::string> values_;  // deque: elements never move, so map keys stay valid
  absl::flat_hash_map<std::string_view, uint32_t> ids_;
  size_t value_bytes_ = 0;
};

// How a chunk of string values is written: dictionary codes when the dictionary holds at most
// half as many values as the chunk and its raw page is at most kMaxDictionaryPageBytes, else
// BYTES pages.
struct StringChunk {
  bool use_dictionary = false;
  Dictionary dictionary;        // when use_dictionary
  std::vector<uint32_t> codes;  // when use_dictionary: one per value
};
StringChunk PlanStringChunk(std::span<const std::string_view> values);

// The stored dictionary page (always zstd) and its reader. DataLoss when the page is corrupt,
// exceeds kMaxDictionaryPageBytes once decompressed, is unsorted, or does not hold
// `expected_count` values (ChunkMeta.dict_count).
std::string EncodeDictionaryPage(const Dictionary& dict);
Result<Dictionary> DecodeDictionaryPage(ByteView stored, uint32_t expected_count);

}  // namespace vivace::block
