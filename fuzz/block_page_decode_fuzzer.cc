// Fuzzes every decoder of the block format's low-level pieces with the same bytes: u64 pages
// (PLAIN, BITPACK, DELTA, TABLE, VARBITS), f64 pages (PLAIN, TABLE, DECIMAL), BYTES, fixed-width
// PLAIN, DICT codes, BITMAP and optional pages, page index entries, bloom shards, zstd and LZ4
// pages and dictionary pages. None may crash or allocate beyond its bound; whatever decodes
// must survive a re-encode: canonical forms come back byte for byte, the others decode to the
// same values.
//
// Input: u16 n (value or page count) | u32 aux (dictionary size, null count or chunk bytes)
// | page bytes.

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "block/bitmap.h"
#include "block/bloom.h"
#include "block/bytes_codec.h"
#include "block/compression.h"
#include "block/dictionary.h"
#include "block/int_codec.h"
#include "block/page_index.h"
#include "fuzz/fuzz_target.h"

namespace vb = vivace::block;
using vivace::ByteView;

namespace {

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

void FuzzU64(ByteView page, uint32_t n) {
  for (vb::Encoding e : {vb::Encoding::kPlain, vb::Encoding::kBitpack, vb::Encoding::kDelta,
                         vb::Encoding::kTable, vb::Encoding::kVarbits}) {
    auto values = vb::DecodeU64(e, page, n);
    if (!values.ok()) {
      continue;
    }
    Check(values->size() == n);
    std::string again;
    if (e == vb::Encoding::kPlain) {
      again = vb::EncodePlainU64(*values, page[0]);
      Check(ByteView(again) == page);  // PLAIN is canonical
    } else {
      switch (e) {
        case vb::Encoding::kBitpack:
          again = vb::EncodeBitpack(*values);
          break;
        case vb::Encoding::kDelta:
          again = vb::EncodeDelta(*values);
          break;
        case vb::Encoding::kTable:
          again = vb::EncodeTable(*values);
          break;
        default:
          again = vb::EncodeVarbits(*values);
          break;
      }
      auto back = vb::DecodeU64(e, ByteView(again), n);
      Check(back.ok() && *back == *values);
    }
    vb::U64Page best = vb::EncodeU64Page(*values);
    Check(best.bytes.size() <= again.size());
    auto back = vb::DecodeU64(best.encoding, ByteView(best.bytes), n);
    Check(back.ok() && *back == *values);
  }
}

void FuzzF64(ByteView page, uint32_t n) {
  for (vb::Encoding e : {vb::Encoding::kPlain, vb::Encoding::kTable, vb::Encoding::kDecimal}) {
    std::vector<uint64_t> bits(n);
    if (!vb::DecodeF64Into(e, page, bits).ok()) {
      continue;
    }
    vb::F64Page best = vb::EncodeF64Page(bits);
    std::vector<uint64_t> back(n);
    Check(vb::DecodeF64Into(best.encoding, ByteView(best.bytes), back).ok() && back == bits);
  }
}

void FuzzStrings(ByteView page, uint32_t n, uint32_t aux) {
  if (auto bytes = vb::DecodeBytes(page, n); bytes.ok()) {
    std::vector<std::string_view> values;
    for (size_t i = 0; i < bytes->size(); ++i) {
      values.push_back((*bytes)[i]);
    }
    std::string again = vb::EncodeBytes(values);
    auto back = vb::DecodeBytes(ByteView(again), n);
    Check(back.ok() && back->size() == values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      Check((*back)[i] == values[i]);
    }
    vb::StringChunk chunk = vb::PlanStringChunk(values);
    if (chunk.use_dictionary) {
      for (size_t i = 0; i < values.size(); ++i) {
        Check(chunk.dictionary.value(chunk.codes[i]) == values[i]);
      }
    }
  }
  if (auto fixed = vb::DecodePlainFixed(page, n); fixed.ok()) {
    Check(ByteView(vb::EncodePlainFixed(fixed->values, fixed->width)) == page);
  }
  if (auto codes = vb::DecodeDictCodes(page, n, aux); codes.ok()) {
    for (uint32_t c : *codes) {
      Check(c < aux);
    }
    std::string again = vb::EncodeDictCodes(*codes);
    auto back = vb::DecodeDictCodes(ByteView(again), n, aux);
    Check(back.ok() && *back == *codes);
  }
}

void FuzzBitmaps(ByteView page, uint32_t n, uint32_t aux) {
  if (auto bits = vb::DecodeBitmap(page, n); bits.ok()) {
    Check(ByteView(vb::EncodeBitmap(*bits)) == page);  // canonical: zero padding
  }
  if (auto parts = vb::SplitOptionalPage(page, n, aux); parts.ok()) {
    Check(parts->n_present == n - aux);
    Check(aux == 0 || parts->presence.Count() == parts->n_present);
  }
}

void FuzzIndexAndBloom(ByteView page, uint32_t n, uint32_t aux) {
  for (bool dict : {false, true}) {
    size_t pos = 0;
    if (auto index = vb::DecodePageIndex(page, &pos, n % 64, aux % 64, aux, dict); index.ok()) {
      // Canonical (minimal varints, implied offsets): the consumed bytes come back exactly.
      Check(ByteView(vb::EncodePageIndex(*index, dict)) == page.substr(0, pos));
    }
  }
  if (auto shard = vb::BloomShard::Parse(page); shard.ok()) {
    Check(ByteView(shard->Serialize()) == page);
    const uint8_t id[16] = {};
    (void)shard->MayContain(id);
  }
}

void FuzzCompressedPages(ByteView page, uint32_t aux) {
  for (vb::Codec codec : {vb::Codec::kZstd, vb::Codec::kLz4}) {
    if (auto raw = vb::OpenPage(page, codec); raw.ok()) {
      Check(raw->view().size() <= vb::kMaxPageBytes);
    }
  }
  auto check_dict = [](const vb::Dictionary& d) {
    for (uint32_t i = 1; i < d.size(); ++i) {
      Check(d.value(i - 1) < d.value(i));
    }
    auto back = vb::Dictionary::ParseRaw(ByteView(d.SerializeRaw()));
    Check(back.ok() && back->size() == d.size());
  };
  if (auto dict = vb::DecodeDictionaryPage(page, aux); dict.ok()) {
    check_dict(*dict);
  }
  if (auto dict = vb::Dictionary::ParseRaw(page); dict.ok()) {
    check_dict(*dict);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 6) {
    return 0;
  }
  const uint32_t n = data[0] | (uint32_t{data[1]} << 8);
  const uint32_t aux =
      data[2] | (uint32_t{data[3]} << 8) | (uint32_t{data[4]} << 16) | (uint32_t{data[5]} << 24);
  ByteView page(data + 6, size - 6);
  FuzzU64(page, n);
  FuzzF64(page, n);
  FuzzStrings(page, n, aux);
  FuzzBitmaps(page, n, aux);
  FuzzIndexAndBloom(page, n, aux);
  FuzzCompressedPages(page, aux);
  return 0;
}
