#include "block/bloom.h"

#include <algorithm>
#include <cmath>

#include "block/murmur3.h"

namespace vivace::block {
namespace {

uint64_t LoadBe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v = (v << 8) | p[i];
  }
  return v;
}

void AppendBe64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out.push_back(static_cast<char>(v >> (8 * i)));
  }
}

uint64_t WordsFor(uint64_t bits) { return bits / 64 + (bits % 64 != 0 ? 1 : 0); }

constexpr size_t kShardHeader = 24;

}  // namespace

uint32_t Fnv1_32(ByteView data) {
  uint32_t h = 0x811c9dc5u;
  for (uint8_t b : data) {
    h *= 0x01000193u;
    h ^= b;
  }
  return h;
}

BloomHashes BloomHashesFor(TraceIdBytes id) {
  uint8_t extended[17];
  std::copy(id.begin(), id.end(), extended);
  extended[16] = 1;
  const Hash128 a = Murmur3X64_128(ByteView(id.data(), id.size()));
  const Hash128 b = Murmur3X64_128(ByteView(extended, sizeof(extended)));
  return BloomHashes{{a.h1, a.h2, b.h1, b.h2}};
}

uint64_t BloomLocation(const BloomHashes& h, uint64_t i, uint64_t m) {
  return (h.h[i % 2] + i * h.h[2 + ((i + (i % 2)) % 4) / 2]) % m;
}

BloomShard::BloomShard(uint64_t m, uint64_t k)
    : m_(std::max<uint64_t>(m, 1)), k_(std::max<uint64_t>(k, 1)), words_(WordsFor(m_)) {}

Result<BloomShard> BloomShard::Parse(ByteView bytes) {
  if (bytes.size() < kShardHeader) {
    return Status::DataLoss("bloom shard is shorter than its header");
  }
  const uint64_t m = LoadBe64(bytes.data());
  const uint64_t k = LoadBe64(bytes.data() + 8);
  const uint64_t bit_len = LoadBe64(bytes.data() + 16);
  if (m == 0 || bit_len != m) {
    return Status::DataLoss("bloom shard has an invalid bit count");
  }
  if (k == 0 || k > kMaxBloomHashes) {
    return Status::DataLoss("bloom shard has an invalid hash count");
  }
  const size_t body = bytes.size() - kShardHeader;
  if (body % 8 != 0 || body / 8 != WordsFor(m)) {
    return Status::DataLoss("bloom shard size does not match its bit count");
  }
  BloomShard shard(m, k);  // WordsFor(m) words: bounded by the object size checked above
  for (size_t i = 0; i < shard.words_.size(); ++i) {
    shard.words_[i] = LoadBe64(bytes.data() + kShardHeader + 8 * i);
  }
  return shard;
}

void BloomShard::Add(TraceIdBytes id) {
  const BloomHashes h = BloomHashesFor(id);
  for (uint64_t i = 0; i < k_; ++i) {
    const uint64_t j = BloomLocation(h, i, m_);
    words_[j / 64] |= uint64_t{1} << (j % 64);
  }
}

bool BloomShard::MayContain(TraceIdBytes id) const {
  const BloomHashes h = BloomHashesFor(id);
  for (uint64_t i = 0; i < k_; ++i) {
    if (!TestBit(BloomLocation(h, i, m_))) {
      return false;
    }
  }
  return true;
}

std::string BloomShard::Serialize() const {
  std::string out;
  out.reserve(kShardHeader + 8 * words_.size());
  AppendBe64(out, m_);
  AppendBe64(out, k_);
  AppendBe64(out, m_);
  for (uint64_t w : words_) {
    AppendBe64(out, w);
  }
  return out;
}

ShardedBloom ShardedBloom::ForItems(uint64_t n, double fp, uint64_t shard_bytes) {
  n = std::max<uint64_t>(n, 1);
  fp = std::clamp(fp, 1e-12, 0.999);
  shard_bytes = std::max<uint64_t>(shard_bytes, 1);
  // bits-and-blooms EstimateParameters, with the same operation order.
  const double ln2 = std::log(2.0);
  const double total_bits = std::ceil(-1.0 * static_cast<double>(n) * std::log(fp) / (ln2 * ln2));
  const auto k = static_cast<uint64_t>(std::ceil(ln2 * total_bits / static_cast<double>(n)));
  const double shards_needed = std::ceil(total_bits / (static_cast<double>(shard_bytes) * 8.0));
  const auto shards =
      static_cast<uint32_t>(std::clamp(shards_needed, 1.0, double{kMaxBloomShards}));
  return ShardedBloom(std::vector<BloomShard>(shards, BloomShard(shard_bytes * 8, k)));
}

uint32_t ShardedBloom::ShardFor(TraceIdBytes id, uint32_t shards) {
  return Fnv1_32(ByteView(id.data(), id.size())) % shards;
}

void ShardedBloom::Add(TraceIdBytes id) { shards_[ShardFor(id, shard_count())].Add(id); }

bool ShardedBloom::MayContain(TraceIdBytes id) const {
  return shards_[ShardFor(id, shard_count())].MayContain(id);
}

}  // namespace vivace::block
