#include "cli/format.h"

#include <algorithm>

#include <fmt/format.h>

#include "backend/rfc3339.h"
#include "common/duration.h"

namespace vivace::cli {

std::string HumanBytes(uint64_t bytes) {
  static constexpr std::string_view kUnits[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 1000) {
    return fmt::format("{} B", bytes);
  }
  auto v = static_cast<double>(bytes) / 1000;
  size_t unit = 0;
  while (v >= 999.95 && unit + 1 < std::size(kUnits)) {
    v /= 1000;
    ++unit;
  }
  return fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) {
    return "-";
  }
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string FormatUnixSeconds(int64_t seconds) {
  return backend::FormatRfc3339({.seconds = seconds, .nanos = 0});
}

std::string FormatUnixNanos(uint64_t nanos) {
  return backend::FormatRfc3339({.seconds = static_cast<int64_t>(nanos / 1'000'000'000),
                                 .nanos = static_cast<int32_t>(nanos % 1'000'000'000)});
}

std::string FormatSeconds(int64_t seconds) { return FormatDuration(std::chrono::seconds(seconds)); }

TextTable::TextTable(std::vector<std::string> header, std::string_view align)
    : header_(std::move(header)), align_(align) {
  align_.resize(header_.size(), 'l');
}

void TextTable::AddRow(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

void TextTable::SetFooter(std::vector<std::string> footer) {
  footer.resize(header_.size());
  footer_ = std::move(footer);
}

void TextTable::Print(std::ostream& out, std::string_view indent) const {
  std::vector<size_t> width(header_.size());
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  };
  measure(header_);
  for (const auto& row : rows_) {
    measure(row);
  }
  measure(footer_);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line(indent);
    for (size_t i = 0; i < row.size(); ++i) {
      bool last = i + 1 == row.size();
      size_t pad = width[i] - row[i].size();
      if (align_[i] == 'r') {
        line.append(pad, ' ');
        line += row[i];
      } else {
        line += row[i];
        if (!last) {
          line.append(pad, ' ');
        }
      }
      if (!last) {
        line += "  ";
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out << line << '\n';
  };
  print(header_);
  for (const auto& row : rows_) {
    print(row);
  }
  if (!footer_.empty()) {
    out << '\n';
    print(footer_);
  }
}

}  // namespace vivace::cli
