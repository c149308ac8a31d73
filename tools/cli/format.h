#pragma once

// Text output helpers of vivace-cli: aligned plain-text tables (kubectl style, easy to grep and
// to cut with awk), human byte sizes, times and durations.

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace vivace::cli {

// "512 B", "1.5 kB", "23.4 MB" (SI units, as Tempo's tooling prints sizes).
std::string HumanBytes(uint64_t bytes);
// "12.3%" of `whole`; "-" when whole is 0.
std::string Percent(uint64_t part, uint64_t whole);
// RFC 3339 in UTC: "2023-11-14T22:13:20Z"; nanoseconds keep their fraction.
std::string FormatUnixSeconds(int64_t seconds);
std::string FormatUnixNanos(uint64_t nanos);
// Go's duration syntax for a span of seconds: "26s", "1h0m0s".
std::string FormatSeconds(int64_t seconds);

// A table printed with columns padded to their widest cell, two spaces apart. `align` has one
// letter per column: 'l' (left) or 'r' (right, for numbers).
class TextTable {
 public:
  TextTable(std::vector<std::string> header, std::string_view align);

  void AddRow(std::vector<std::string> row);
  // A last row set off by a blank line (totals).
  void SetFooter(std::vector<std::string> footer);
  void Print(std::ostream& out, std::string_view indent = "") const;

  size_t rows() const { return rows_.size(); }

 private:
  std::vector<std::string> header_;
  std::string align_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::string> footer_;
};

}  // namespace vivace::cli
