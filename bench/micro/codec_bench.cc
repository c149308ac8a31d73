// Block-format hot paths: decoding 64k-value column pages (BITPACK per width, DELTA, PLAIN,
// DICT codes, BYTES), choosing an encoding, CRC32C, zstd page open and bloom lookups. Bytes/s
// are of decoded output (8 bytes per u64 value).

#include <benchmark/benchmark.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "block/bloom.h"
#include "block/bytes_codec.h"
#include "block/compression.h"
#include "block/int_codec.h"
#include "common/crc32c.h"

namespace vivace::block {
namespace {

constexpr size_t kPageValues = 65536;

std::vector<uint64_t> RandomOfWidth(int width, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  std::vector<uint64_t> v(kPageValues);
  for (auto& x : v) {
    x = (rng() & mask) + (width == 64 ? 0 : 1000);  // a nonzero base, as FOR pages have
  }
  return v;
}

std::vector<uint64_t> Timestamps() {
  std::mt19937_64 rng(3);
  std::vector<uint64_t> v(kPageValues);
  uint64_t t = 1700000000000000000ULL;
  for (auto& x : v) {
    t += rng() % 20000;
    x = t;
  }
  return v;
}

void DecodeLoop(benchmark::State& state, Encoding encoding, const std::string& page) {
  std::vector<uint64_t> out(kPageValues);
  for (auto _ : state) {
    Status s = DecodeU64Into(encoding, ByteView(page), out);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kPageValues));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kPageValues * 8));
}

void BM_DecodeBitpack(benchmark::State& state) {
  const auto width = static_cast<int>(state.range(0));
  DecodeLoop(state, Encoding::kBitpack, EncodeBitpack(RandomOfWidth(width, 1)));
}
BENCHMARK(BM_DecodeBitpack)->Arg(1)->Arg(5)->Arg(13)->Arg(21)->Arg(32)->Arg(47)->Arg(64);

void BM_DecodeDelta(benchmark::State& state) {
  DecodeLoop(state, Encoding::kDelta, EncodeDelta(Timestamps()));
}
BENCHMARK(BM_DecodeDelta);

void BM_DecodePlain64(benchmark::State& state) {
  DecodeLoop(state, Encoding::kPlain, EncodePlainU64(RandomOfWidth(64, 2), 8));
}
BENCHMARK(BM_DecodePlain64);

void BM_DecodeDictCodes(benchmark::State& state) {
  std::mt19937 rng(4);
  std::vector<uint32_t> codes(kPageValues);
  for (auto& c : codes) {
    c = rng() % 1000;
  }
  const std::string page = EncodeDictCodes(codes);
  for (auto _ : state) {
    auto r = DecodeDictCodes(ByteView(page), kPageValues, 1000);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kPageValues));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kPageValues * 4));
}
BENCHMARK(BM_DecodeDictCodes);

void BM_DecodeBytes(benchmark::State& state) {
  std::mt19937 rng(5);
  std::vector<std::string> values(8192);
  for (auto& s : values) {
    s.assign(4 + rng() % 12, 'a');
  }
  std::vector<std::string_view> views(values.begin(), values.end());
  const std::string page = EncodeBytes(views);
  for (auto _ : state) {
    auto r = DecodeBytes(ByteView(page), static_cast<uint32_t>(values.size()));
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(values.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(page.size()));
}
BENCHMARK(BM_DecodeBytes);

void BM_EncodeU64Page(benchmark::State& state) {
  const std::vector<uint64_t> v = Timestamps();
  for (auto _ : state) {
    U64Page page = EncodeU64Page(v);
    benchmark::DoNotOptimize(page.bytes.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kPageValues));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kPageValues * 8));
}
BENCHMARK(BM_EncodeU64Page);

void BM_OpenZstdPage(benchmark::State& state) {
  const std::vector<uint64_t> v = RandomOfWidth(13, 6);
  const std::string raw = EncodePlainU64(v, 2);
  const std::string z = ZstdCompress(ByteView(raw));
  for (auto _ : state) {
    auto page = OpenPage(ByteView(z), Codec::kZstd);
    benchmark::DoNotOptimize(page);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(raw.size()));
}
BENCHMARK(BM_OpenZstdPage);

void BM_Crc32c(benchmark::State& state) {
  const std::string data(65536, 'x');
  const bool hardware = state.range(0) == 1;
  if (hardware && !vivace::internal::Crc32cHasHardware()) {
    state.SkipWithError("no SSE4.2");
    return;
  }
  for (auto _ : state) {
    uint32_t c = hardware ? vivace::internal::Crc32cHardware(0, ByteView(data))
                          : vivace::internal::Crc32cSoftware(0, ByteView(data));
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_Crc32c)->Arg(0)->Arg(1)->ArgNames({"hw"});

void BM_BloomMayContain(benchmark::State& state) {
  ShardedBloom bloom = ShardedBloom::ForItems(100000, 0.01, 102400);
  std::mt19937_64 rng(7);
  std::vector<std::array<uint8_t, 16>> ids(1024);
  for (auto& id : ids) {
    for (auto& b : id) {
      b = static_cast<uint8_t>(rng());
    }
    bloom.Add(id);
  }
  size_t i = 0;
  for (auto _ : state) {
    bool hit = bloom.MayContain(ids[i++ % ids.size()]);
    benchmark::DoNotOptimize(hit);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BloomMayContain);

}  // namespace
}  // namespace vivace::block
