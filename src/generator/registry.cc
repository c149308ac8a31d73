#include "generator/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/hex.h"

namespace vivace::generator {
namespace {

constexpr std::string_view kOverflowLabel = "metric_overflow";

// Prometheus' formatting of bucket bounds: shortest fixed notation, "+Inf".
std::string FormatLe(double v) {
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

// Start of the current minute minus one second (Tempo's getEndOfLastMinuteMs).
int64_t EndOfLastMinuteMs(int64_t now_ms) { return now_ms - now_ms % 60000 - 1000; }

}  // namespace

std::string TraceIdExemplarHex(ByteView trace_id) {
  std::string hex = HexEncode(trace_id.str());
  size_t first = hex.find_first_not_of('0');
  return first == std::string::npos ? std::string() : hex.substr(first);
}

uint64_t Metric::Resolve(uint64_t hash, bool exists, bool* overflow) {
  *overflow = false;
  if (exists || hash == registry_->overflow_hash_) {
    return hash;
  }
  Registry& r = *registry_;
  uint32_t max = r.options_.max_active_series ? r.options_.max_active_series() : 0;
  if (max != 0 && r.active_series_ + Weight() > max) {
    r.stats_.series_limited += Weight();
    *overflow = true;
    return r.overflow_hash_;
  }
  r.active_series_ += Weight();
  r.stats_.series_added += Weight();
  return hash;
}

std::string Metric::EncodeSeriesLabels(const LabelBuilder& labels, bool overflow,
                                       std::string_view name, std::string_view le) const {
  std::vector<std::pair<std::string_view, std::string_view>> all;
  all.reserve(labels.size() + registry_->options_.external_labels.size() + 2);
  if (overflow) {
    all.emplace_back(kOverflowLabel, "true");
  } else {
    for (size_t i = 0; i < labels.size(); ++i) {
      all.emplace_back(labels.name(i), labels.value(i));
    }
  }
  auto set = [&all](std::string_view n, std::string_view v) {
    for (auto& [an, av] : all) {
      if (an == n) {
        av = v;
        return;
      }
    }
    all.emplace_back(n, v);
  };
  for (const auto& [n, v] : registry_->options_.external_labels) {
    set(n, v);
  }
  set("__name__", name);
  if (!le.empty()) {
    set("le", le);
  }
  return EncodeLabels(std::move(all));
}

void Metric::Released(uint64_t hash) {
  if (hash != registry_->overflow_hash_) {
    registry_->active_series_ -= std::min(registry_->active_series_, Weight());
    registry_->stats_.series_removed += Weight();
  }
}

const std::string& Metric::trace_id_label_name() const {
  return registry_->options_.trace_id_label_name;
}

void Counter::Inc(const LabelBuilder& labels, uint64_t hash, double value, int64_t now_ms) {
  if (!(value >= 0)) {
    return;  // counters only go up; NaN is ignored
  }
  auto it = series_.find(hash);
  if (it == series_.end()) {
    bool overflow = false;
    hash = Resolve(hash, false, &overflow);
    it = series_.find(hash);
    if (it == series_.end()) {
      Series s;
      s.labels = EncodeSeriesLabels(labels, overflow, name_, "");
      it = series_.emplace(hash, std::move(s)).first;
    }
  }
  it->second.value += value;
  it->second.last_updated_ms = now_ms;
}

void Counter::Collect(int64_t now_ms, int64_t zero_ms, SampleSink& sink) {
  for (auto& [hash, s] : series_) {
    if (s.is_new) {
      sink.Add(s.labels, 0, zero_ms, nullptr);
      s.is_new = false;
    }
    sink.Add(s.labels, s.value, now_ms, nullptr);
  }
}

void Counter::RemoveStale(int64_t stale_ms, std::vector<std::string>* stale) {
  for (auto it = series_.begin(); it != series_.end();) {
    if (it->second.last_updated_ms < stale_ms) {
      stale->push_back(std::move(it->second.labels));
      Released(it->first);
      series_.erase(it++);
    } else {
      ++it;
    }
  }
}

void Gauge::Set(const LabelBuilder& labels, uint64_t hash, double value, int64_t now_ms) {
  auto it = series_.find(hash);
  if (it == series_.end()) {
    bool overflow = false;
    hash = Resolve(hash, false, &overflow);
    it = series_.find(hash);
    if (it == series_.end()) {
      Series s;
      s.labels = EncodeSeriesLabels(labels, overflow, name_, "");
      it = series_.emplace(hash, std::move(s)).first;
    }
  }
  it->second.value = value;
  it->second.last_updated_ms = now_ms;
}

void Gauge::Collect(int64_t now_ms, int64_t /*zero_ms*/, SampleSink& sink) {
  for (auto& [hash, s] : series_) {
    sink.Add(s.labels, s.value, now_ms, nullptr);
  }
}

void Gauge::RemoveStale(int64_t stale_ms, std::vector<std::string>* stale) {
  for (auto it = series_.begin(); it != series_.end();) {
    if (it->second.last_updated_ms < stale_ms) {
      stale->push_back(std::move(it->second.labels));
      Released(it->first);
      series_.erase(it++);
    } else {
      ++it;
    }
  }
}

Result<HistogramMode> ParseHistogramMode(std::string_view mode) {
  if (mode.empty() || mode == "classic") {
    return HistogramMode::kClassic;
  }
  if (mode == "native") {
    return HistogramMode::kNative;
  }
  if (mode == "both") {
    return HistogramMode::kBoth;
  }
  return Status::InvalidArgument("generate_native_histograms: unknown mode \"" + std::string(mode)
                                 + "\" (expected classic, native or both)");
}

Histogram::Histogram(Registry* registry, std::string name, std::vector<double> buckets,
                     HistogramOptions options)
    : Metric(registry, std::move(name)), options_(options), bounds_(std::move(buckets)) {
  std::erase_if(bounds_, [](double b) { return std::isnan(b) || std::isinf(b); });
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  bounds_.push_back(std::numeric_limits<double>::infinity());
  for (double b : bounds_) {
    le_.push_back(FormatLe(b));
  }
}

uint32_t Histogram::Weight() const {
  uint32_t w = options_.classic() ? static_cast<uint32_t>(bounds_.size() + 2) : 0;
  return w + (options_.native_enabled() ? 1 : 0);
}

void Histogram::Observe(const LabelBuilder& labels, uint64_t hash, double value, double multiplier,
                        ByteView trace_id, int64_t now_ms) {
  auto it = series_.find(hash);
  if (it == series_.end()) {
    bool overflow = false;
    hash = Resolve(hash, false, &overflow);
    it = series_.find(hash);
    if (it == series_.end()) {
      Series s;
      if (options_.classic()) {
        s.count_labels = EncodeSeriesLabels(labels, overflow, name_ + "_count", "");
        s.sum_labels = EncodeSeriesLabels(labels, overflow, name_ + "_sum", "");
        std::string bucket_name = name_ + "_bucket";
        for (const std::string& le : le_) {
          s.bucket_labels.push_back(EncodeSeriesLabels(labels, overflow, bucket_name, le));
        }
        s.buckets.assign(bounds_.size(), 0);
        s.exemplars.resize(bounds_.size());
      }
      if (options_.native_enabled()) {
        s.native = std::make_unique<Native>(Native{EncodeSeriesLabels(labels, overflow, name_, ""),
                                                   NativeHistogram(options_.native, now_ms),
                                                   {},
                                                   0});
      }
      it = series_.emplace(hash, std::move(s)).first;
    }
  }
  Series& s = it->second;
  s.last_updated_ms = now_ms;
  Exemplar ex;
  ex.len = static_cast<uint8_t>(std::min<size_t>(trace_id.size(), sizeof ex.trace_id));
  if (ex.len > 0) {
    std::copy_n(trace_id.data(), ex.len, ex.trace_id);
  }
  ex.value = value;
  if (options_.classic()) {
    s.count += multiplier;
    s.sum += value * multiplier;
    // First bucket whose bound is >= value (sort.SearchFloat64s); NaN lands in +Inf.
    size_t first = std::isnan(value)
                       ? bounds_.size() - 1
                       : static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value)
                                             - bounds_.begin());
    first = std::min(first, bounds_.size() - 1);
    for (size_t i = first; i < bounds_.size(); ++i) {
      s.buckets[i] += multiplier;
    }
    s.exemplars[first] = ex;
  }
  if (s.native) {
    double times = std::ceil(multiplier);
    if (times >= 1) {
      s.native->histogram.Observe(value, static_cast<uint64_t>(std::min(times, 1e15)), now_ms);
    }
    if (!options_.classic() && ex.len > 0) {
      Native& n = *s.native;
      if (n.exemplars.size() < kNativeExemplars) {
        n.exemplars.push_back(ex);
      } else {
        n.exemplars[n.next_exemplar] = ex;
        n.next_exemplar = (n.next_exemplar + 1) % kNativeExemplars;
      }
    }
  }
}

void Histogram::Collect(int64_t now_ms, int64_t zero_ms, SampleSink& sink) {
  const std::string& label_name = trace_id_label_name();
  for (auto& [hash, s] : series_) {
    hex_.clear();
    refs_.clear();
    if (options_.classic()) {
      if (s.is_new) {
        sink.Add(s.count_labels, 0, zero_ms, nullptr);
      }
      sink.Add(s.sum_labels, s.sum, now_ms, nullptr);
      sink.Add(s.count_labels, s.count, now_ms, nullptr);
      for (size_t i = 0; i < bounds_.size(); ++i) {
        if (s.is_new) {
          sink.Add(s.bucket_labels[i], 0, zero_ms, nullptr);
        }
        Exemplar& ex = s.exemplars[i];
        std::string hex = ex.len > 0 ? TraceIdExemplarHex(ByteView(ex.trace_id, ex.len)) : "";
        if (!hex.empty()) {
          hex_.push_back(std::move(hex));
          ExemplarRef ref{label_name, hex_.back(), ex.value, now_ms};
          sink.Add(s.bucket_labels[i], s.buckets[i], now_ms, &ref);
          refs_.push_back(ref);  // "both": the native series carries the bucket exemplars too
        } else {
          sink.Add(s.bucket_labels[i], s.buckets[i], now_ms, nullptr);
        }
        ex.len = 0;
      }
    }
    if (s.native) {
      CollectNative(s, now_ms, zero_ms, sink);
    }
    s.is_new = false;
  }
}

void Histogram::CollectNative(Series& s, int64_t now_ms, int64_t zero_ms, SampleSink& sink) {
  Native& n = *s.native;
  n.histogram.Snapshot(&value_);
  if (s.is_new) {
    NativeHistogramValue zero;
    zero.schema = value_.schema;
    sink.AddHistogram(n.labels, zero, zero_ms, nullptr, 0);
  }
  if (!options_.classic()) {
    const std::string& label_name = trace_id_label_name();
    for (const Exemplar& ex : n.exemplars) {
      std::string hex = TraceIdExemplarHex(ByteView(ex.trace_id, ex.len));
      if (!hex.empty()) {
        hex_.push_back(std::move(hex));
        refs_.push_back({label_name, hex_.back(), ex.value, now_ms});
      }
    }
    n.exemplars.clear();
    n.next_exemplar = 0;
  }
  sink.AddHistogram(n.labels, value_, now_ms, refs_.data(), refs_.size());
}

void Histogram::RemoveStale(int64_t stale_ms, std::vector<std::string>* stale) {
  for (auto it = series_.begin(); it != series_.end();) {
    Series& s = it->second;
    if (s.last_updated_ms < stale_ms) {
      if (options_.classic()) {
        stale->push_back(std::move(s.count_labels));
        stale->push_back(std::move(s.sum_labels));
        for (std::string& b : s.bucket_labels) {
          stale->push_back(std::move(b));
        }
      }
      if (s.native) {
        stale->push_back(std::move(s.native->labels));
      }
      Released(it->first);
      series_.erase(it++);
    } else {
      ++it;
    }
  }
}

Registry::Registry(RegistryOptions options)
    : options_(std::move(options)),
      builder_(options_.max_label_name_length, options_.max_label_value_length),
      overflow_hash_(HashLabels({{std::string(kOverflowLabel), "true"}})) {
  if (options_.trace_id_label_name.empty()) {
    options_.trace_id_label_name = "traceID";
  }
}

Registry::~Registry() = default;

void Registry::Register(std::unique_ptr<Metric> metric) {
  for (auto& m : metrics_) {
    if (m->name() == metric->name()) {
      m->RemoveStale(std::numeric_limits<int64_t>::max(), &pending_stale_);
      m = std::move(metric);
      return;
    }
  }
  metrics_.push_back(std::move(metric));
}

Counter* Registry::NewCounter(const std::string& name) {
  auto m = std::make_unique<Counter>(this, name);
  Counter* p = m.get();
  Register(std::move(m));
  return p;
}

Gauge* Registry::NewGauge(const std::string& name) {
  auto m = std::make_unique<Gauge>(this, name);
  Gauge* p = m.get();
  Register(std::move(m));
  return p;
}

Histogram* Registry::NewHistogram(const std::string& name, std::vector<double> buckets,
                                  HistogramOptions options) {
  auto m = std::make_unique<Histogram>(this, name, std::move(buckets), options);
  Histogram* p = m.get();
  Register(std::move(m));
  return p;
}

void Registry::RemoveMetric(const Metric* metric) {
  for (auto it = metrics_.begin(); it != metrics_.end(); ++it) {
    if (it->get() == metric) {
      (*it)->RemoveStale(std::numeric_limits<int64_t>::max(), &pending_stale_);
      metrics_.erase(it);
      return;
    }
  }
}

void Registry::Collect(int64_t now_ms, SampleSink& sink) {
  // The zero sample of a new series goes at the end of the previous minute, but never at or
  // before the previous collection: an earlier sample than one already sent for the same
  // labels (a series that went stale and came back) would make Prometheus reject the batch.
  // Staleness markers go right after the last sample of their series, before the zero
  // sample of a series that came back with the same labels.
  int64_t zero_ms = std::max(EndOfLastMinuteMs(now_ms), last_collection_ms_ + 2);
  zero_ms = std::min(zero_ms, now_ms - 1);
  int64_t stale_ms = std::min(last_collection_ms_ + 1, zero_ms - 1);
  for (const std::string& labels : pending_stale_) {
    sink.Add(labels, StaleNaN(), stale_ms, nullptr);
  }
  pending_stale_.clear();
  for (auto& m : metrics_) {
    m->Collect(now_ms, zero_ms, sink);
  }
  last_collection_ms_ = now_ms;
}

size_t Registry::RemoveStaleSeries(int64_t stale_before_ms) {
  size_t before = pending_stale_.size();
  for (auto& m : metrics_) {
    m->RemoveStale(stale_before_ms, &pending_stale_);
  }
  return pending_stale_.size() - before;
}

}  // namespace vivace::generator
