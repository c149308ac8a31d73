#include "generator/write_request.h"

#include <snappy.h>

#include <algorithm>
#include <cstring>

#include "common/protowire.h"

namespace vivace::generator {
namespace {

using protowire::Reader;
using protowire::WireType;

void AppendLabel(std::string& out, std::string_view name, std::string_view value) {
  size_t inner = protowire::LenFieldSize(1, name.size()) + protowire::LenFieldSize(2, value.size());
  protowire::AppendLenHeader(out, 1, inner);
  protowire::AppendLenField(out, 1, name);
  protowire::AppendLenField(out, 2, value);
}

uint64_t Bits(double v) {
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

uint64_t ZigZag32(int32_t v) {
  return static_cast<uint32_t>((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}

uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void AppendExemplar(std::string& ts, const ExemplarRef& ex) {
  size_t label_inner = protowire::LenFieldSize(1, ex.label_name.size())
                       + protowire::LenFieldSize(2, ex.label_value.size());
  size_t ex_len = protowire::LenFieldSize(1, label_inner) + 1 + 8 + 1
                  + protowire::VarintSize(static_cast<uint64_t>(ex.timestamp_ms));
  protowire::AppendLenHeader(ts, 3, ex_len);
  AppendLabel(ts, ex.label_name, ex.label_value);
  protowire::AppendFixed64Field(ts, 2, Bits(ex.value));
  protowire::AppendVarintField(ts, 3, static_cast<uint64_t>(ex.timestamp_ms));
}

double FromBits(uint64_t b) {
  double v = 0;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

Result<LabelSet> DecodeLabels(const std::vector<ByteView>& fields) {
  LabelSet out;
  for (ByteView f : fields) {
    Label l;
    Reader r(f);
    while (r.Next()) {
      if (r.type() != WireType::kLen) {
        continue;
      }
      if (r.field() == 1) {
        l.name = r.bytes().ToString();
      } else if (r.field() == 2) {
        l.value = r.bytes().ToString();
      }
    }
    if (!r.ok()) {
      return Status::InvalidArgument("malformed write request: bad label");
    }
    out.push_back(std::move(l));
  }
  return out;
}

Result<DecodedBucketSpan> DecodeSpan(ByteView b) {
  DecodedBucketSpan span;
  Reader r(b);
  while (r.Next()) {
    if (r.type() != WireType::kVarint) {
      continue;
    }
    if (r.field() == 1) {
      span.offset = static_cast<int32_t>(UnZigZag(r.varint() & 0xffffffffu));
    } else if (r.field() == 2) {
      span.length = static_cast<uint32_t>(r.varint());
    }
  }
  if (!r.ok()) {
    return Status::InvalidArgument("malformed write request: bad histogram bucket span");
  }
  return span;
}

// Repeated sint64 (packed or not) and repeated double (packed or not).
bool ReadDeltas(const Reader& r, std::vector<int64_t>* out) {
  if (r.type() == WireType::kVarint) {
    out->push_back(UnZigZag(r.varint()));
    return true;
  }
  if (r.type() != WireType::kLen) {
    return true;
  }
  ByteView b = r.bytes();
  const uint8_t* p = b.data();
  const uint8_t* end = p + b.size();
  while (p < end) {
    uint64_t v = 0;
    int shift = 0;
    while (true) {
      if (p == end || shift >= 64) {
        return false;
      }
      uint8_t c = *p++;
      v |= uint64_t{c & 0x7fu} << shift;
      shift += 7;
      if ((c & 0x80) == 0) {
        break;
      }
    }
    out->push_back(UnZigZag(v));
  }
  return true;
}

bool ReadDoubles(const Reader& r, std::vector<double>* out) {
  if (r.type() == WireType::kI64) {
    out->push_back(FromBits(r.varint()));
    return true;
  }
  if (r.type() != WireType::kLen) {
    return true;
  }
  ByteView b = r.bytes();
  if (b.size() % 8 != 0) {
    return false;
  }
  for (size_t i = 0; i < b.size(); i += 8) {
    uint64_t bits = 0;
    std::memcpy(&bits, b.data() + i, 8);
    out->push_back(FromBits(bits));
  }
  return true;
}

Result<DecodedHistogram> DecodeHistogram(ByteView b) {
  DecodedHistogram h;
  Reader r(b);
  bool ok = true;
  while (ok && r.Next()) {
    const bool varint = r.type() == WireType::kVarint;
    const bool i64 = r.type() == WireType::kI64;
    switch (r.field()) {
      case 1:
        h.count_int = varint ? r.varint() : h.count_int;
        break;
      case 2:
        h.count_float = i64 ? FromBits(r.varint()) : h.count_float;
        break;
      case 3:
        h.sum = i64 ? FromBits(r.varint()) : h.sum;
        break;
      case 4:
        h.schema = varint ? static_cast<int32_t>(UnZigZag(r.varint() & 0xffffffffu)) : h.schema;
        break;
      case 5:
        h.zero_threshold = i64 ? FromBits(r.varint()) : h.zero_threshold;
        break;
      case 6:
        h.zero_count_int = varint ? r.varint() : h.zero_count_int;
        break;
      case 7:
        h.zero_count_float = i64 ? FromBits(r.varint()) : h.zero_count_float;
        break;
      case 8:
      case 11:
        if (r.type() == WireType::kLen) {
          VV_ASSIGN_OR_RETURN(DecodedBucketSpan span, DecodeSpan(r.bytes()));
          (r.field() == 8 ? h.negative_spans : h.positive_spans).push_back(span);
        }
        break;
      case 9:
        ok = ReadDeltas(r, &h.negative_deltas);
        break;
      case 12:
        ok = ReadDeltas(r, &h.positive_deltas);
        break;
      case 10:
        ok = ReadDoubles(r, &h.negative_counts);
        break;
      case 13:
        ok = ReadDoubles(r, &h.positive_counts);
        break;
      case 14:
        h.reset_hint = varint ? static_cast<int32_t>(r.varint()) : h.reset_hint;
        break;
      case 15:
        h.timestamp_ms = varint ? static_cast<int64_t>(r.varint()) : h.timestamp_ms;
        break;
      default:
        break;
    }
  }
  if (!ok || !r.ok()) {
    return Status::InvalidArgument("malformed write request: bad histogram");
  }
  return h;
}

Result<DecodedSeries> DecodeSeries(ByteView ts) {
  DecodedSeries s;
  std::vector<ByteView> labels;
  Reader r(ts);
  while (r.Next()) {
    if (r.type() != WireType::kLen) {
      continue;
    }
    switch (r.field()) {
      case 1:
        labels.push_back(r.bytes());
        break;
      case 2: {
        DecodedSample sample;
        Reader sr(r.bytes());
        while (sr.Next()) {
          if (sr.field() == 1 && sr.type() == WireType::kI64) {
            sample.value = FromBits(sr.varint());
          } else if (sr.field() == 2 && sr.type() == WireType::kVarint) {
            sample.timestamp_ms = static_cast<int64_t>(sr.varint());
          }
        }
        if (!sr.ok()) {
          return Status::InvalidArgument("malformed write request: bad sample");
        }
        s.samples.push_back(sample);
        break;
      }
      case 3: {
        DecodedExemplar ex;
        std::vector<ByteView> ex_labels;
        Reader er(r.bytes());
        while (er.Next()) {
          if (er.field() == 1 && er.type() == WireType::kLen) {
            ex_labels.push_back(er.bytes());
          } else if (er.field() == 2 && er.type() == WireType::kI64) {
            ex.value = FromBits(er.varint());
          } else if (er.field() == 3 && er.type() == WireType::kVarint) {
            ex.timestamp_ms = static_cast<int64_t>(er.varint());
          }
        }
        if (!er.ok()) {
          return Status::InvalidArgument("malformed write request: bad exemplar");
        }
        VV_ASSIGN_OR_RETURN(ex.labels, DecodeLabels(ex_labels));
        s.exemplars.push_back(std::move(ex));
        break;
      }
      case 4: {
        VV_ASSIGN_OR_RETURN(DecodedHistogram h, DecodeHistogram(r.bytes()));
        s.histograms.push_back(std::move(h));
        break;
      }
      default:
        break;
    }
  }
  if (!r.ok()) {
    return Status::InvalidArgument("malformed write request: bad time series");
  }
  VV_ASSIGN_OR_RETURN(s.labels, DecodeLabels(labels));
  return s;
}

}  // namespace

double StaleNaN() { return FromBits(kStaleNaNBits); }

bool IsStaleNaN(double v) { return Bits(v) == kStaleNaNBits; }

std::string EncodeLabels(std::vector<std::pair<std::string_view, std::string_view>> labels) {
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (const auto& [name, value] : labels) {
    AppendLabel(out, name, value);
  }
  return out;
}

void WriteRequestBuilder::Add(std::string_view encoded_labels, double value, int64_t timestamp_ms,
                              const ExemplarRef* exemplar) {
  std::string& ts = scratch_;
  ts.clear();
  ts.append(encoded_labels);
  // Sample: value (double, field 1), timestamp (int64, field 2).
  size_t sample_len = 1 + 8 + 1 + protowire::VarintSize(static_cast<uint64_t>(timestamp_ms));
  protowire::AppendLenHeader(ts, 2, sample_len);
  protowire::AppendFixed64Field(ts, 1, Bits(value));
  protowire::AppendVarintField(ts, 2, static_cast<uint64_t>(timestamp_ms));
  if (exemplar != nullptr) {
    AppendExemplar(ts, *exemplar);
    ++exemplars_;
  }
  protowire::AppendLenField(out_, 1, ts);
  ++samples_;
}

void WriteRequestBuilder::AddHistogram(std::string_view encoded_labels,
                                       const NativeHistogramValue& h, int64_t timestamp_ms,
                                       const ExemplarRef* exemplars, size_t exemplar_count) {
  std::string& m = histogram_;
  m.clear();
  protowire::AppendVarintField(m, 1, h.count);
  protowire::AppendFixed64Field(m, 3, Bits(h.sum));
  protowire::AppendVarintField(m, 4, ZigZag32(h.schema));
  protowire::AppendFixed64Field(m, 5, Bits(h.zero_threshold));
  protowire::AppendVarintField(m, 6, h.zero_count);
  // Spans of consecutive buckets (offset: gap after the previous span, or the first index) and
  // the counts as deltas to the previous bucket.
  std::string& deltas = deltas_;
  deltas.clear();
  int64_t prev_count = 0;
  size_t i = 0;
  int32_t next_index = 0;
  while (i < h.buckets.size()) {
    size_t j = i + 1;
    while (j < h.buckets.size() && h.buckets[j].first == h.buckets[j - 1].first + 1) {
      ++j;
    }
    int32_t offset = h.buckets[i].first - (i == 0 ? 0 : next_index);
    std::string span;
    protowire::AppendVarintField(span, 1, ZigZag32(offset));
    protowire::AppendVarintField(span, 2, j - i);
    protowire::AppendLenField(m, 11, span);
    for (size_t k = i; k < j; ++k) {
      int64_t c = static_cast<int64_t>(h.buckets[k].second);
      protowire::AppendVarint(deltas, ZigZag64(c - prev_count));
      prev_count = c;
    }
    next_index = h.buckets[j - 1].first + 1;
    i = j;
  }
  if (!deltas.empty()) {
    protowire::AppendLenField(m, 12, deltas);
  }
  if (h.reset) {
    protowire::AppendVarintField(m, 14, 1);  // ResetHint YES
  }
  protowire::AppendVarintField(m, 15, static_cast<uint64_t>(timestamp_ms));

  std::string& ts = scratch_;
  ts.clear();
  ts.append(encoded_labels);
  protowire::AppendLenField(ts, 4, m);
  for (size_t e = 0; e < exemplar_count; ++e) {
    AppendExemplar(ts, exemplars[e]);
    ++exemplars_;
  }
  protowire::AppendLenField(out_, 1, ts);
  ++samples_;
}

std::string WriteRequestBuilder::Take() {
  std::string out = std::move(out_);
  out_.clear();
  samples_ = 0;
  exemplars_ = 0;
  return out;
}

std::string SnappyCompress(ByteView data) {
  std::string out;
  snappy::Compress(reinterpret_cast<const char*>(data.data()), data.size(), &out);
  return out;
}

Result<std::string> SnappyUncompress(ByteView data, size_t max_output) {
  size_t len = 0;
  const char* p = reinterpret_cast<const char*>(data.data());
  if (!snappy::GetUncompressedLength(p, data.size(), &len)) {
    return Status::InvalidArgument("snappy: corrupt input");
  }
  if (len > max_output) {
    return Status::ResourceExhausted("snappy: decoded body exceeds the size limit");
  }
  std::string out;
  if (!snappy::Uncompress(p, data.size(), &out)) {
    return Status::InvalidArgument("snappy: corrupt input");
  }
  return out;
}

Result<std::vector<std::pair<int32_t, int64_t>>> DecodedHistogram::PositiveBuckets() const {
  uint64_t total = 0;
  for (const DecodedBucketSpan& span : positive_spans) {
    total += span.length;
  }
  if (total != positive_deltas.size()) {
    return Status::InvalidArgument("histogram spans cover " + std::to_string(total)
                                   + " buckets but there are "
                                   + std::to_string(positive_deltas.size()) + " deltas");
  }
  std::vector<std::pair<int32_t, int64_t>> out;
  out.reserve(positive_deltas.size());
  int64_t index = 0;
  int64_t count = 0;
  size_t d = 0;
  for (size_t i = 0; i < positive_spans.size(); ++i) {
    index += positive_spans[i].offset;
    for (uint32_t k = 0; k < positive_spans[i].length; ++k) {
      if (index < INT32_MIN || index > INT32_MAX) {
        return Status::InvalidArgument("histogram bucket index out of range");
      }
      if (__builtin_add_overflow(count, positive_deltas[d++], &count)) {
        return Status::InvalidArgument("histogram bucket count overflows");
      }
      out.emplace_back(static_cast<int32_t>(index), count);
      ++index;
    }
  }
  return out;
}

std::string_view DecodedSeries::Label(std::string_view name) const {
  for (const auto& l : labels) {
    if (l.name == name) {
      return l.value;
    }
  }
  return {};
}

Result<DecodedWriteRequest> DecodeWriteRequest(ByteView request) {
  DecodedWriteRequest out;
  Reader r(request);
  while (r.Next()) {
    if (r.type() != WireType::kLen) {
      continue;
    }
    if (r.field() == 1) {
      VV_ASSIGN_OR_RETURN(DecodedSeries s, DecodeSeries(r.bytes()));
      out.series.push_back(std::move(s));
    } else if (r.field() == 3) {
      ++out.metadata;
    }
  }
  if (!r.ok()) {
    return Status::InvalidArgument("malformed write request");
  }
  return out;
}

}  // namespace vivace::generator
