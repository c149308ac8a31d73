#include "common/logging.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace vivace::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_format{static_cast<int>(Format::kLogfmt)};

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

bool NeedsQuoting(std::string_view v) {
  if (v.empty()) {
    return true;
  }
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || c == '=' || c == '"' || u == 0x7f) {
      return true;
    }
  }
  return false;
}

// JSON-style escaping, used for quoted logfmt values and JSON output alike.
void AppendEscaped(std::string& out, std::string_view v) {
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += fmt::format("\\u{:04x}", u);
        } else {
          out += c;
        }
    }
  }
}

void AppendLogfmt(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) {
    out += ' ';
  }
  out += key;
  out += '=';
  if (NeedsQuoting(value)) {
    out += '"';
    AppendEscaped(out, value);
    out += '"';
  } else {
    out += value;
  }
}

void AppendJson(std::string& out, std::string_view key, std::string_view value) {
  out += out.size() == 1 ? "\"" : ",\"";
  AppendEscaped(out, key);
  out += "\":\"";
  AppendEscaped(out, value);
  out += '"';
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns % 1000000000);
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k), value(fmt::format("{}", v)) {}

void SetLevel(Level level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

void SetFormat(Format format) {
  g_format.store(static_cast<int>(format), std::memory_order_relaxed);
}

bool Enabled(Level level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

Result<Level> ParseLevel(std::string_view name) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (name == LevelName(l)) {
      return l;
    }
  }
  return Status::InvalidArgument(fmt::format("unrecognized log level \"{}\"", name));
}

Result<Format> ParseFormat(std::string_view name) {
  if (name == "logfmt") {
    return Format::kLogfmt;
  }
  if (name == "json") {
    return Format::kJson;
  }
  return Status::InvalidArgument(fmt::format("unrecognized log format \"{}\"", name));
}

std::string FormatLine(Level level, std::string_view caller, std::string_view msg,
                       std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(160);
  bool json = g_format.load(std::memory_order_relaxed) == static_cast<int>(Format::kJson);
  auto append = json ? AppendJson : AppendLogfmt;
  if (json) {
    out += '{';
  }
  append(out, "level", LevelName(level));
  append(out, "ts", Timestamp());
  append(out, "caller", caller);
  append(out, "msg", msg);
  for (const Field& f : fields) {
    append(out, f.key, f.value);
  }
  if (json) {
    out += '}';
  }
  out += '\n';
  return out;
}

void Emit(Level level, const char* file, int line, std::string_view msg,
          std::initializer_list<Field> fields) {
  std::string_view path(file);
  size_t slash = path.rfind('/');
  std::string caller =
      fmt::format("{}:{}", slash == std::string_view::npos ? path : path.substr(slash + 1), line);
  std::string text = FormatLine(level, caller, msg, fields);
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(STDERR_FILENO, text.data() + off, text.size() - off);
    if (n <= 0) {
      return;  // Nowhere to report a broken stderr.
    }
    off += static_cast<size_t>(n);
  }
}

}  // namespace vivace::log
