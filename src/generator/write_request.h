#pragma once

// Prometheus remote-write v1 payloads (spec ingest.md §7.1): `prometheus.WriteRequest`
// protobuf, snappy block compression. Encoding is done at the wire level from pre-encoded
// label lists, since a series' labels never change: the registry keeps each series' encoded
// `TimeSeries.labels` fields and the collector appends one sample (and an exemplar) per series.
//
// Field numbers: WriteRequest{timeseries=1, metadata=3}; TimeSeries{labels=1, samples=2,
// exemplars=3, histograms=4}; Label{name=1, value=2}; Sample{value=1 double, timestamp=2
// int64}; Exemplar{labels=1, value=2 double, timestamp=3 int64}; Histogram{count_int=1,
// count_float=2, sum=3 double, schema=4 sint32, zero_threshold=5 double, zero_count_int=6,
// zero_count_float=7, negative_spans=8, negative_deltas=9, negative_counts=10,
// positive_spans=11, positive_deltas=12 packed sint64, positive_counts=13, reset_hint=14,
// timestamp=15}; BucketSpan{offset=1 sint32, length=2 uint32}.
//
// The decoder exists for tests and tools (a fake Prometheus); it is total over its input.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "generator/labels.h"
#include "generator/native_histogram.h"

namespace vivace::generator {

// Prometheus' staleness marker (value.StaleNaN).
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
double StaleNaN();
bool IsStaleNaN(double v);

// Encodes `labels` (any order; sorted by name here, as remote write requires) as repeated
// TimeSeries.labels fields.
std::string EncodeLabels(std::vector<std::pair<std::string_view, std::string_view>> labels);

// An exemplar attached to a sample.
struct ExemplarRef {
  std::string_view label_name;   // traceID by default
  std::string_view label_value;  // hex trace ID
  double value = 0;
  int64_t timestamp_ms = 0;
};

// Builds one WriteRequest. Not thread-safe.
class WriteRequestBuilder {
 public:
  // Appends a TimeSeries with one sample (and an optional exemplar).
  void Add(std::string_view encoded_labels, double value, int64_t timestamp_ms,
           const ExemplarRef* exemplar = nullptr);
  // Appends a TimeSeries with one native histogram (integer counts) and its exemplars.
  void AddHistogram(std::string_view encoded_labels, const NativeHistogramValue& histogram,
                    int64_t timestamp_ms, const ExemplarRef* exemplars = nullptr,
                    size_t exemplar_count = 0);

  size_t samples() const { return samples_; }

  size_t exemplars() const { return exemplars_; }

  bool empty() const { return samples_ == 0; }

  // Returns the serialized WriteRequest and resets the builder.
  std::string Take();

 private:
  std::string out_;
  std::string scratch_;
  std::string histogram_;
  std::string deltas_;
  size_t samples_ = 0;
  size_t exemplars_ = 0;
};

// snappy block format.
std::string SnappyCompress(ByteView data);
// Size-capped: ResourceExhausted beyond `max_output`, InvalidArgument when corrupt.
Result<std::string> SnappyUncompress(ByteView data, size_t max_output);

struct DecodedSample {
  double value = 0;
  int64_t timestamp_ms = 0;
};

struct DecodedExemplar {
  LabelSet labels;
  double value = 0;
  int64_t timestamp_ms = 0;
};

struct DecodedBucketSpan {
  int32_t offset = 0;
  uint32_t length = 0;
};

// A Histogram message; float-count histograms keep their counts in the *_float fields.
struct DecodedHistogram {
  uint64_t count_int = 0;
  double count_float = 0;
  double sum = 0;
  int32_t schema = 0;
  double zero_threshold = 0;
  uint64_t zero_count_int = 0;
  double zero_count_float = 0;
  std::vector<DecodedBucketSpan> positive_spans;
  std::vector<int64_t> positive_deltas;
  std::vector<double> positive_counts;
  std::vector<DecodedBucketSpan> negative_spans;
  std::vector<int64_t> negative_deltas;
  std::vector<double> negative_counts;
  int32_t reset_hint = 0;
  int64_t timestamp_ms = 0;
  // The absolute positive bucket counts by index (spans and deltas resolved). InvalidArgument
  // when spans and deltas disagree.
  Result<std::vector<std::pair<int32_t, int64_t>>> PositiveBuckets() const;
};

struct DecodedSeries {
  LabelSet labels;  // as sent (order kept)
  std::vector<DecodedSample> samples;
  std::vector<DecodedExemplar> exemplars;
  std::vector<DecodedHistogram> histograms;
  std::string_view Label(std::string_view name) const;
};

struct DecodedWriteRequest {
  std::vector<DecodedSeries> series;
  size_t metadata = 0;
};

// Decodes a WriteRequest; InvalidArgument naming the first malformed part.
Result<DecodedWriteRequest> DecodeWriteRequest(ByteView request);

}  // namespace vivace::generator
