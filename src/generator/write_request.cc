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
      case 4:
        ++s.histograms;
        break;
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
    size_t label_inner = protowire::LenFieldSize(1, exemplar->label_name.size())
                         + protowire::LenFieldSize(2, exemplar->label_value.size());
    size_t ex_len = protowire::LenFieldSize(1, label_inner) + 1 + 8 + 1
                    + protowire::VarintSize(static_cast<uint64_t>(exemplar->timestamp_ms));
    protowire::AppendLenHeader(ts, 3, ex_len);
    AppendLabel(ts, exemplar->label_name, exemplar->label_value);
    protowire::AppendFixed64Field(ts, 2, Bits(exemplar->value));
    protowire::AppendVarintField(ts, 3, static_cast<uint64_t>(exemplar->timestamp_ms));
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
