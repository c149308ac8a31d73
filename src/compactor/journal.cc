#include "compactor/journal.h"

#include <charconv>

#include <fmt/format.h>

namespace vivace::compactor {

namespace {
constexpr std::string_view kJournalMagic = "vivace-compaction-journal 1";
}  // namespace

std::string EncodeJournal(const Journal& j) {
  std::string out = fmt::format("{}\noutput {}\nstarted {}\n", kJournalMagic, j.output.ToString(),
                                j.started_unix_s);
  for (const auto& id : j.inputs) {
    out += fmt::format("input {}\n", id.ToString());
  }
  return out;
}

Result<Journal> DecodeJournal(std::string_view text) {
  Journal j;
  bool have_output = false;
  bool first = true;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      return Status::DataLoss("compaction journal is truncated");
    }
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (first) {
      if (line != kJournalMagic) {
        return Status::DataLoss("not a compaction journal");
      }
      first = false;
      continue;
    }
    size_t sp = line.find(' ');
    std::string_view key = line.substr(0, sp);
    std::string_view value = sp == std::string_view::npos ? "" : line.substr(sp + 1);
    if (key == "output") {
      VV_ASSIGN_OR_RETURN(j.output, backend::BlockId::Parse(value));
      have_output = true;
    } else if (key == "input") {
      VV_ASSIGN_OR_RETURN(backend::BlockId id, backend::BlockId::Parse(value));
      j.inputs.push_back(id);
    } else if (key == "started") {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), j.started_unix_s);
      if (ec != std::errc() || p != value.data() + value.size()) {
        return Status::DataLoss("compaction journal has a bad start time");
      }
    } else {
      return Status::DataLoss(fmt::format("compaction journal has an unknown line {:?}", key));
    }
  }
  if (first || !have_output) {
    return Status::DataLoss("compaction journal names no output");
  }
  return j;
}

}  // namespace vivace::compactor
