// Fuzzes the Prometheus remote-write decoder (snappy block + prometheus.WriteRequest, as the
// generator's test receivers read it). The first byte picks raw or snappy input. Whatever decodes
// must re-encode with the generator's own WriteRequestBuilder into a request that decodes to the
// same labels, samples, exemplars and native histograms: encoder and decoder agree on every
// field they share.

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "fuzz/fuzz_target.h"
#include "generator/write_request.h"

namespace {

using vivace::ByteView;
using namespace vivace::generator;

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::vector<std::pair<std::string_view, std::string_view>> Pairs(const LabelSet& labels) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (const Label& l : labels) {
    out.emplace_back(l.name, l.value);
  }
  return out;
}

// A decoded integer histogram the builder can express: positive buckets only, counts >= 0.
bool ToValue(const DecodedHistogram& h, NativeHistogramValue* v) {
  if (h.count_float != 0 || h.zero_count_float != 0 || !h.negative_spans.empty()
      || !h.negative_deltas.empty() || !h.negative_counts.empty() || !h.positive_counts.empty()) {
    return false;
  }
  auto buckets = h.PositiveBuckets();
  if (!buckets.ok()) {
    return false;
  }
  v->buckets.clear();
  for (const auto& [index, count] : *buckets) {
    if (count < 0 || (!v->buckets.empty() && index <= v->buckets.back().first)) {
      return false;
    }
    if (count > 0) {
      v->buckets.emplace_back(index, static_cast<uint64_t>(count));
    }
  }
  v->schema = h.schema;
  v->zero_threshold = h.zero_threshold;
  v->count = h.count_int;
  v->sum = h.sum;
  v->zero_count = h.zero_count_int;
  v->reset = h.reset_hint == 1;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  ByteView body(data + 1, size - 1);
  std::string raw;
  if (data[0] & 1) {
    auto r = SnappyUncompress(body, 1 << 20);
    if (!r.ok()) {
      return 0;
    }
    raw = std::move(r).value();
  } else {
    raw = body.ToString();
  }
  auto req = DecodeWriteRequest(raw);
  if (!req.ok()) {
    return 0;
  }
  for (const DecodedSeries& s : req->series) {
    std::string labels = EncodeLabels(Pairs(s.labels));
    WriteRequestBuilder b;
    for (const DecodedSample& sample : s.samples) {
      b.Add(labels, sample.value, sample.timestamp_ms);
    }
    std::vector<NativeHistogramValue> histograms;
    for (const DecodedHistogram& h : s.histograms) {
      NativeHistogramValue v;
      if (ToValue(h, &v)) {
        b.AddHistogram(labels, v, h.timestamp_ms);
        histograms.push_back(std::move(v));
      }
    }
    auto again = DecodeWriteRequest(b.Take());
    if (!again.ok() || again->series.size() != s.samples.size() + histograms.size()) {
      std::abort();
    }
    LabelSet sorted = s.labels;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Label& a, const Label& c) { return a.name < c.name; });
    for (size_t i = 0; i < again->series.size(); ++i) {
      const DecodedSeries& got = again->series[i];
      LabelSet got_sorted = got.labels;
      std::stable_sort(got_sorted.begin(), got_sorted.end(),
                       [](const Label& a, const Label& c) { return a.name < c.name; });
      if (got_sorted.size() != sorted.size()) {
        std::abort();
      }
      for (size_t k = 0; k < sorted.size(); ++k) {
        // Names compare equal; values of duplicated names may come in another order.
        if (got_sorted[k].name != sorted[k].name) {
          std::abort();
        }
      }
      if (i < s.samples.size()) {
        if (got.samples.size() != 1 || !SameBits(got.samples[0].value, s.samples[i].value)
            || got.samples[0].timestamp_ms != s.samples[i].timestamp_ms) {
          std::abort();
        }
        continue;
      }
      const NativeHistogramValue& want = histograms[i - s.samples.size()];
      NativeHistogramValue back;
      if (got.histograms.size() != 1 || !ToValue(got.histograms[0], &back)
          || back.schema != want.schema || back.count != want.count || !SameBits(back.sum, want.sum)
          || back.zero_count != want.zero_count || back.buckets != want.buckets
          || back.reset != want.reset) {
        std::abort();
      }
    }
  }
  return 0;
}
