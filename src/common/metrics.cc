#include "common/metrics.h"

#include <cmath>

#include <fmt/format.h>

namespace vivace::metrics {
namespace {

std::string FormatValue(double v) {
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  if (std::isnan(v)) {
    return "NaN";
  }
  return fmt::format("{}", v);
}

void AppendLabelValue(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"}` or "" without labels; `extra` is appended inside the braces (for `le`).
std::string WithExtra(const std::string& labels, std::string_view extra) {
  if (labels.empty()) {
    return fmt::format("{{{}}}", extra);
  }
  std::string s = labels.substr(0, labels.size() - 1);
  s += ',';
  s += extra;
  s += '}';
  return s;
}

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
    case Type::kUntyped:
      return "untyped";
  }
  return "untyped";
}

}  // namespace

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds->size() + 1]) {
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    buckets_[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_->size() && v > (*bounds_)[i]) {
    ++i;
  }
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_->size() + 1);
  uint64_t acc = 0;
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    out[i] = acc;
  }
  return out;
}

FamilyBase::FamilyBase(std::string name, std::string help, Type type,
                       std::vector<std::string> labels)
    : name_(std::move(name)), help_(std::move(help)), type_(type), labels_(std::move(labels)) {}

void* FamilyBase::Child(std::initializer_list<std::string_view> values,
                        const std::function<std::shared_ptr<void>()>& make) {
  std::vector<std::string> key;
  key.reserve(labels_.size());
  for (std::string_view v : values) {
    key.emplace_back(v);
  }
  // A call with the wrong number of values is a programming error; pad or cut so the exposition
  // stays well-formed rather than crashing a server.
  key.resize(labels_.size());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = children_.find(key);
  if (it == children_.end()) {
    it = children_.emplace(std::move(key), make()).first;
  }
  return it->second.get();
}

void FamilyBase::Expose(std::string& out) const {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name_, help_, name_, TypeName(type_));
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, child] : children_) {
    std::string labels;
    if (!labels_.empty()) {
      labels += '{';
      for (size_t i = 0; i < labels_.size(); ++i) {
        if (i > 0) {
          labels += ',';
        }
        labels += labels_[i];
        labels += "=\"";
        AppendLabelValue(labels, values[i]);
        labels += '"';
      }
      labels += '}';
    }
    ExposeChild(out, labels, child.get());
  }
}

void Family<Counter>::ExposeChild(std::string& out, const std::string& labels,
                                  const void* child) const {
  out += fmt::format("{}{} {}\n", name(), labels,
                     FormatValue(static_cast<const Counter*>(child)->Value()));
}

void Family<Gauge>::ExposeChild(std::string& out, const std::string& labels,
                                const void* child) const {
  out += fmt::format("{}{} {}\n", name(), labels,
                     FormatValue(static_cast<const Gauge*>(child)->Value()));
}

void Family<Histogram>::ExposeChild(std::string& out, const std::string& labels,
                                    const void* child) const {
  const auto* h = static_cast<const Histogram*>(child);
  std::vector<uint64_t> cum = h->CumulativeCounts();
  for (size_t i = 0; i < bounds_.size(); ++i) {
    out += fmt::format("{}_bucket{} {}\n", name(),
                       WithExtra(labels, fmt::format("le=\"{}\"", FormatValue(bounds_[i]))),
                       cum[i]);
  }
  out += fmt::format("{}_bucket{} {}\n", name(), WithExtra(labels, "le=\"+Inf\""), cum.back());
  out += fmt::format("{}_sum{} {}\n", name(), labels, FormatValue(h->Sum()));
  out += fmt::format("{}_count{} {}\n", name(), labels, cum.back());
}

void CallbackGauge::Expose(std::string& out) const {
  FamilyBase::Expose(out);
  out += fmt::format("{} {}\n", name(), FormatValue(fn_()));
}

Family<Counter>& Registry::NewCounter(std::string name, std::string help,
                                      std::vector<std::string> labels, Type type) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = families_[name];
  if (!slot) {
    slot = std::make_unique<Family<Counter>>(std::move(name), std::move(help), std::move(labels),
                                             type);
  }
  return static_cast<Family<Counter>&>(*slot);
}

Family<Gauge>& Registry::NewGauge(std::string name, std::string help,
                                  std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = families_[name];
  if (!slot) {
    slot = std::make_unique<Family<Gauge>>(std::move(name), std::move(help), std::move(labels));
  }
  return static_cast<Family<Gauge>&>(*slot);
}

Family<Histogram>& Registry::NewHistogram(std::string name, std::string help,
                                          std::vector<std::string> labels,
                                          std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = families_[name];
  if (!slot) {
    slot = std::make_unique<Family<Histogram>>(std::move(name), std::move(help), std::move(labels),
                                               std::move(bounds));
  }
  return static_cast<Family<Histogram>&>(*slot);
}

void Registry::NewCallbackGauge(std::string name, std::string help, std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = name;
  callbacks_[key] = std::make_unique<CallbackGauge>(std::move(name), std::move(help), std::move(fn));
}

void Registry::NewCallbackCounter(std::string name, std::string help, std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = name;
  callbacks_[key] = std::make_unique<CallbackGauge>(std::move(name), std::move(help), std::move(fn),
                                                    Type::kCounter);
}

void Registry::RemoveCallbackGauge(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  callbacks_.erase(name);
}

std::string Registry::Expose() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  auto f = families_.begin();
  auto c = callbacks_.begin();
  // Merge the two sorted maps so the output is sorted by name.
  while (f != families_.end() || c != callbacks_.end()) {
    if (c == callbacks_.end() || (f != families_.end() && f->first < c->first)) {
      f->second->Expose(out);
      ++f;
    } else {
      c->second->Expose(out);
      ++c;
    }
  }
  return out;
}

Registry& DefaultRegistry() {
  static auto* registry = new Registry();  // never destroyed: outlives every component
  return *registry;
}

std::vector<double> DefaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> out;
  out.reserve(static_cast<size_t>(count));
  double v = start;
  for (int i = 0; i < count; ++i) {
    out.push_back(v);
    v *= factor;
  }
  return out;
}

}  // namespace vivace::metrics
