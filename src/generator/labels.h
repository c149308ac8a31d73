#pragma once

// Label sets of the generator's series: Prometheus label-name sanitisation as Tempo applies it
// to attribute names, and a reusable builder that collects (name, value) pairs for one span,
// truncates them to the registry's limits, sorts them and hashes them, without allocating once
// warmed up.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vivace::generator {

// Prometheus' strutil.SanitizeLabelName: every byte outside [a-zA-Z0-9_] becomes '_', and a
// leading digit gets a '_' prefix ("http.method" -> "http_method", "1x" -> "_1x").
std::string SanitizeLabelName(std::string_view name);

struct Label {
  std::string name;
  std::string value;
  bool operator==(const Label&) const = default;
};

using LabelSet = std::vector<Label>;  // sorted by name, names unique, values non-empty

// Collects the labels of one series. Not thread-safe.
class LabelBuilder {
 public:
  LabelBuilder(size_t max_name_length, size_t max_value_length)
      : max_name_(max_name_length), max_value_(max_value_length) {}

  void Reset() { count_ = 0; }

  // Adds or replaces `name`; an empty value removes the label (Prometheus has no empty labels).
  // Names and values longer than the limits are truncated.
  void Add(std::string_view name, std::string_view value);
  // The value buffer of a label about to be added, for callers that build values in place:
  //   std::string& v = b.Scratch(); v.clear(); AppendStringified(..., &v); b.AddScratch(name);
  std::string& Scratch();
  void AddScratch(std::string_view name);

  // Sorts the labels and returns the hash of the set (stable across runs: xxHash3).
  uint64_t Finish();

  // After Finish(): whether every name and value is valid UTF-8 (Tempo drops series that are
  // not, rather than have Prometheus refuse the whole remote-write request).
  bool valid_utf8() const { return valid_utf8_; }

  size_t size() const { return count_; }

  std::string_view name(size_t i) const { return entries_[order_[i]].name; }

  std::string_view value(size_t i) const { return entries_[order_[i]].value; }

  LabelSet ToLabelSet() const;

 private:
  struct Entry {
    std::string name;
    std::string value;
  };

  Entry& Slot();
  void Commit(Entry& e);

  size_t max_name_;
  size_t max_value_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> order_;
  size_t count_ = 0;
  std::string key_;
  bool valid_utf8_ = true;
};

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Hash of a label set as LabelBuilder::Finish computes it.
uint64_t HashLabels(const LabelSet& labels);

}  // namespace vivace::generator
