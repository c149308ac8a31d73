#pragma once

// Structured logging in Tempo's style: logfmt on stderr, keys in the order
// `level= ts= caller= msg=` then context (or the same keys as JSON with server.log_format=json).
// Thread-safe: each line is formatted in a local buffer and written with one write(2).
//
//   VV_INFO("server listening", {"name", "http"}, {"addr", addr});

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vivace::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kLogfmt, kJson };

// One key/value pair of context. Values are rendered to text at the call site.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, long v) : key(k), value(std::to_string(v)) {}  // NOLINT(google-runtime-int)
  Field(std::string_view k, long long v)  // NOLINT(google-runtime-int)
      : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, unsigned long v)  // NOLINT(google-runtime-int)
      : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, unsigned long long v)  // NOLINT(google-runtime-int)
      : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, double v);
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  Field(std::string_view k, const Status& s) : key(k), value(s.ToString()) {}

  std::string_view key;
  std::string value;
};

void SetLevel(Level level);
void SetFormat(Format format);
Result<Level> ParseLevel(std::string_view name);
Result<Format> ParseFormat(std::string_view name);
bool Enabled(Level level);

// Renders one line (without writing it); exposed for tests.
std::string FormatLine(Level level, std::string_view caller, std::string_view msg,
                       std::initializer_list<Field> fields);

void Emit(Level level, const char* file, int line, std::string_view msg,
          std::initializer_list<Field> fields);

}  // namespace vivace::log

#define VV_LOG(level, msg, ...)                                                   \
  do {                                                                            \
    if (::vivace::log::Enabled(level)) {                                          \
      ::vivace::log::Emit(level, __FILE__, __LINE__, msg, {__VA_ARGS__});         \
    }                                                                             \
  } while (false)
#define VV_DEBUG(msg, ...) VV_LOG(::vivace::log::Level::kDebug, msg, __VA_ARGS__)
#define VV_INFO(msg, ...) VV_LOG(::vivace::log::Level::kInfo, msg, __VA_ARGS__)
#define VV_WARN(msg, ...) VV_LOG(::vivace::log::Level::kWarn, msg, __VA_ARGS__)
#define VV_ERROR(msg, ...) VV_LOG(::vivace::log::Level::kError, msg, __VA_ARGS__)
