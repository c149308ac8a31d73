#include "block/dictionary.h"

#include <algorithm>
#include <numeric>

#include "block/bytes_codec.h"
#include "block/compression.h"
#include "block/encoding.h"
#include "block/little_endian.h"

namespace vivace::block {

Dictionary Dictionary::FromValues(std::span<const std::string_view> values) {
  std::vector<std::string_view> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  Dictionary d;
  d.offsets_.reserve(sorted.size() + 1);
  for (std::string_view v : sorted) {
    d.data_.append(v);
    d.offsets_.push_back(static_cast<uint32_t>(d.data_.size()));
  }
  return d;
}

uint32_t Dictionary::LowerBound(std::string_view v) const {
  uint32_t lo = 0;
  uint32_t hi = size();
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (value(mid) < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

uint32_t Dictionary::UpperBound(std::string_view v) const {
  uint32_t lo = 0;
  uint32_t hi = size();
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (value(mid) <= v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::optional<uint32_t> Dictionary::Find(std::string_view v) const {
  const uint32_t code = LowerBound(v);
  if (code < size() && value(code) == v) {
    return code;
  }
  return std::nullopt;
}

std::string Dictionary::SerializeRaw() const {
  std::vector<std::string_view> values(size());
  for (uint32_t i = 0; i < size(); ++i) {
    values[i] = value(i);
  }
  std::string out;
  AppendLe32(out, size());
  out.append(EncodeBytes(values));
  return out;
}

Result<Dictionary> Dictionary::ParseRaw(ByteView raw) {
  if (raw.size() < 4) {
    return Status::DataLoss("dictionary page is shorter than its count");
  }
  if (raw.size() > kMaxDictionaryPageBytes) {
    return Status::DataLoss("dictionary page exceeds the dictionary size limit");
  }
  VV_ASSIGN_OR_RETURN(BytesPage page, DecodeBytes(raw.substr(4), LoadLe32(raw.data())));
  Dictionary d;
  d.data_ = page.data().ToString();
  d.offsets_.assign(page.offsets().begin(), page.offsets().end());  // < 1 MiB: fits u32
  for (uint32_t i = 1; i < d.size(); ++i) {
    if (!(d.value(i - 1) < d.value(i))) {
      return Status::DataLoss("dictionary values are not strictly ascending");
    }
  }
  return d;
}

uint32_t DictionaryBuilder::Add(std::string_view v) {
  auto it = ids_.find(v);
  if (it != ids_.end()) {
    return it->second;
  }
  const auto id = static_cast<uint32_t>(values_.size());
  const std::string& stored = values_.emplace_back(v);
  ids_.emplace(stored, id);
  value_bytes_ += v.size();
  return id;
}

DictionaryBuilder::Built DictionaryBuilder::Build() const {
  std::vector<uint32_t> order(values_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [this](uint32_t a, uint32_t b) { return values_[a] < values_[b]; });
  std::vector<std::string_view> sorted;
  sorted.reserve(order.size());
  Built built;
  built.code_of.resize(values_.size());
  for (uint32_t code = 0; code < order.size(); ++code) {
    sorted.push_back(values_[order[code]]);
    built.code_of[order[code]] = code;
  }
  built.dictionary = Dictionary::FromValues(sorted);  // already sorted and distinct
  return built;
}

StringChunk PlanStringChunk(std::span<const std::string_view> values) {
  StringChunk chunk;
  DictionaryBuilder builder;
  std::vector<uint32_t> ids;
  ids.reserve(values.size());
  for (std::string_view v : values) {
    ids.push_back(builder.Add(v));
    // Give up early once the dictionary cannot pay off.
    if (builder.distinct() * 2 > values.size()
        || builder.value_bytes() > kMaxDictionaryPageBytes) {
      return chunk;
    }
  }
  if (values.empty()) {
    return chunk;
  }
  DictionaryBuilder::Built built = builder.Build();
  if (built.dictionary.SerializeRaw().size() > kMaxDictionaryPageBytes) {
    return chunk;
  }
  chunk.use_dictionary = true;
  chunk.codes.reserve(ids.size());
  for (uint32_t id : ids) {
    chunk.codes.push_back(built.code_of[id]);
  }
  chunk.dictionary = std::move(built.dictionary);
  return chunk;
}

std::string EncodeDictionaryPage(const Dictionary& dict) {
  return ZstdCompress(dict.SerializeRaw());
}

Result<Dictionary> DecodeDictionaryPage(ByteView stored, uint32_t expected_count) {
  VV_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, ZstdDecompress(stored, kMaxDictionaryPageBytes));
  VV_ASSIGN_OR_RETURN(Dictionary dict, Dictionary::ParseRaw(ByteView(raw.data(), raw.size())));
  if (dict.size() != expected_count) {
    return Status::DataLoss("dictionary holds " + std::to_string(dict.size())
                            + " values, chunk metadata says " + std::to_string(expected_count));
  }
  return dict;
}

}  // namespace vivace::block
