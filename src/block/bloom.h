#pragma once

// Tempo-compatible sharded bloom filter over trace IDs (storage spec §3.3; Tempo's
// tempodb/encoding/common/bloom.go over bits-and-blooms/bloom/v3). Shards are bit-identical to
// Tempo's `bloom-<n>` objects, so they can be copied into exported Tempo blocks and Tempo's can
// be read. Byte layout: docs/format/encodings.md.
//
//  - Sizing: M = ceil(-n ln(fp) / ln(2)^2), k = ceil(ln(2) M / n), shards = clamp(ceil(M /
//    (shard_bytes 8)), 1, 1000); every shard has exactly shard_bytes * 8 bits.
//  - Shard of an ID: FNV-1 32-bit of its 16 bytes, mod shards.
//  - Bit positions: h1,h2 = murmur3_x64_128(id), h3,h4 = murmur3_x64_128(id || 0x01); position
//    i = (h[i % 2] + i * h[2 + ((i + i % 2) % 4) / 2]) mod m; bit j is bit j % 64 of word j / 64.
//  - Serialised shard: big-endian u64 m | u64 k | u64 bit length (= m) | ceil(m/64) u64 words.

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

using TraceIdBytes = std::span<const uint8_t, 16>;

constexpr uint32_t kMaxBloomShards = 1000;
// Readers reject shards with more hash functions (Tempo's fp 0.01 gives 7).
constexpr uint64_t kMaxBloomHashes = 1000;

// FNV-1 (multiply, then xor) 32-bit, as Go's hash/fnv New32.
uint32_t Fnv1_32(ByteView data);

// The four 64-bit hashes of an ID that all its bit positions derive from.
struct BloomHashes {
  uint64_t h[4] = {};
};
BloomHashes BloomHashesFor(TraceIdBytes id);
// Position of the i-th bit (0 <= i < k) in a filter of m bits.
uint64_t BloomLocation(const BloomHashes& h, uint64_t i, uint64_t m);

// One shard: a plain bloom filter of m bits and k hash functions. Not thread-safe for Add;
// concurrent MayContain calls are fine.
class BloomShard {
 public:
  BloomShard(uint64_t m, uint64_t k);

  // Reads a serialised shard (a `bloom-<n>` object). DataLoss when it is truncated, has
  // trailing bytes, or has an invalid m or k; memory is bounded by the object's size.
  static Result<BloomShard> Parse(ByteView bytes);

  void Add(TraceIdBytes id);
  bool MayContain(TraceIdBytes id) const;
  std::string Serialize() const;

  uint64_t bit_count() const { return m_; }
  uint64_t hash_count() const { return k_; }
  bool TestBit(uint64_t j) const { return (words_[j / 64] >> (j % 64)) & 1; }

 private:
  uint64_t m_;
  uint64_t k_;
  std::vector<uint64_t> words_;
};

// The writer's view: every shard of one block. Not thread-safe for Add.
class ShardedBloom {
 public:
  // Sized for about n IDs at false-positive rate fp (0 < fp < 1; out-of-range values are
  // clamped, n = 0 counts as 1) with shards of shard_bytes bytes (at least 1).
  static ShardedBloom ForItems(uint64_t n, double fp, uint64_t shard_bytes);

  // The shard holding `id` among `shards` (> 0).
  static uint32_t ShardFor(TraceIdBytes id, uint32_t shards);
  static Result<BloomShard> ParseShard(ByteView bytes) { return BloomShard::Parse(bytes); }

  void Add(TraceIdBytes id);
  bool MayContain(TraceIdBytes id) const;

  uint32_t shard_count() const { return static_cast<uint32_t>(shards_.size()); }
  uint64_t hash_count() const { return shards_.front().hash_count(); }
  const BloomShard& shard(uint32_t i) const { return shards_[i]; }
  // The `bloom-<i>` object. REQUIRES: i < shard_count().
  std::string SerializeShard(uint32_t i) const { return shards_[i].Serialize(); }

 private:
  explicit ShardedBloom(std::vector<BloomShard> shards) : shards_(std::move(shards)) {}
  std::vector<BloomShard> shards_;
};

}  // namespace vivace::block
