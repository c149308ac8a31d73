#pragma once

// The one metrics registry: counters, gauges and histograms with labels, exposed in the
// Prometheus text format on /metrics under Tempo's metric names.
//
// Families are created once (usually as function-local statics in a component's metrics.h);
// WithLabels() returns a child whose address is stable for the life of the registry, so hot
// paths look a child up once and then only touch its atomics. Thread-safe.

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace vivace::metrics {

class Counter {
 public:
  void Inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>* bounds);
  void Observe(double v);
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  // Cumulative counts per bound, then +Inf.
  std::vector<uint64_t> CumulativeCounts() const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // one per bound plus +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// kUntyped exposes a counter whose Tempo name lacks the `_total` suffix without failing
// Prometheus lint (tempo_receiver_accepted_spans).
enum class Type { kCounter, kGauge, kHistogram, kUntyped };

// Base of the labelled families; holds the name, help and label names.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, Type type, std::vector<std::string> labels);
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;
  virtual ~FamilyBase() = default;

  const std::string& name() const { return name_; }
  void Expose(std::string& out) const;

 protected:
  virtual void ExposeChild(std::string& out, const std::string& labels,
                           const void* child) const = 0;
  // Returns the child for these label values, creating it with `make` on first use.
  void* Child(std::initializer_list<std::string_view> values,
              const std::function<std::shared_ptr<void>()>& make);

 private:
  std::string name_;
  std::string help_;
  Type type_;
  std::vector<std::string> labels_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::shared_ptr<void>> children_;
};

template <typename M>
class Family;

template <>
class Family<Counter> final : public FamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels,
         Type type = Type::kCounter)
      : FamilyBase(std::move(name), std::move(help), type, std::move(labels)) {}
  Counter& WithLabels(std::initializer_list<std::string_view> values = {}) {
    return *static_cast<Counter*>(Child(values, [] { return std::make_shared<Counter>(); }));
  }

 private:
  void ExposeChild(std::string& out, const std::string& labels, const void* child) const override;
};

template <>
class Family<Gauge> final : public FamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels)
      : FamilyBase(std::move(name), std::move(help), Type::kGauge, std::move(labels)) {}
  Gauge& WithLabels(std::initializer_list<std::string_view> values = {}) {
    return *static_cast<Gauge*>(Child(values, [] { return std::make_shared<Gauge>(); }));
  }

 private:
  void ExposeChild(std::string& out, const std::string& labels, const void* child) const override;
};

template <>
class Family<Histogram> final : public FamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels,
         std::vector<double> bounds)
      : FamilyBase(std::move(name), std::move(help), Type::kHistogram, std::move(labels)),
        bounds_(std::move(bounds)) {}
  Histogram& WithLabels(std::initializer_list<std::string_view> values = {}) {
    return *static_cast<Histogram*>(
        Child(values, [this] { return std::make_shared<Histogram>(&bounds_); }));
  }

 private:
  void ExposeChild(std::string& out, const std::string& labels, const void* child) const override;
  std::vector<double> bounds_;
};

// A gauge (or counter) whose value is computed at scrape time (e.g. live traces, RSS, CPU).
class CallbackGauge final : public FamilyBase {
 public:
  CallbackGauge(std::string name, std::string help, std::function<double()> fn,
                Type type = Type::kGauge)
      : FamilyBase(std::move(name), std::move(help), type, {}), fn_(std::move(fn)) {}
  void Expose(std::string& out) const;

 private:
  void ExposeChild(std::string&, const std::string&, const void*) const override {}
  std::function<double()> fn_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry() = default;

  // Registering a name twice returns the first family (components may share metrics).
  Family<Counter>& NewCounter(std::string name, std::string help,
                              std::vector<std::string> labels = {}, Type type = Type::kCounter);
  Family<Gauge>& NewGauge(std::string name, std::string help,
                          std::vector<std::string> labels = {});
  Family<Histogram>& NewHistogram(std::string name, std::string help,
                                  std::vector<std::string> labels, std::vector<double> bounds);
  // Replaces any earlier callback of the same name (a restarted component re-registers).
  void NewCallbackGauge(std::string name, std::string help, std::function<double()> fn);
  // A monotonic value computed at scrape time, exposed as a counter.
  void NewCallbackCounter(std::string name, std::string help, std::function<double()> fn);
  void RemoveCallbackGauge(const std::string& name);

  // The Prometheus text exposition (version 0.0.4) of every family, sorted by name.
  std::string Expose() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;
  std::map<std::string, std::unique_ptr<CallbackGauge>> callbacks_;
};

// The process-wide registry served on /metrics.
Registry& DefaultRegistry();

// Prometheus' default buckets and Tempo's request-duration buckets.
std::vector<double> DefaultBuckets();
std::vector<double> ExponentialBuckets(double start, double factor, int count);

}  // namespace vivace::metrics
