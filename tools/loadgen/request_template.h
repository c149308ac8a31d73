#pragma once

// Pre-serialized requests that are cheap to send many times. The loadgen shares its machine
// with the server under test, so the sending loop must not build protobuf messages: a pool of
// generated requests is serialized once, and for each send one of them is copied and the
// fields that must change are overwritten in place. All of them have a fixed width on the wire:
//
//   trace_id, links' trace_id      16-byte length-delimited field -> the trace's new ID
//   span_id, parent_span_id,
//   links' span_id                 8-byte length-delimited field  -> XOR with a per-trace key
//   start/end/event times          fixed64                        -> += the request's base time
//
// XOR-ing every span ID of a trace with the same key keeps them distinct within the trace and
// keeps parent and link references pointing at the right spans.
//
//   TemplatePool pool = *TemplatePool::Build({...}, /*traces_per_request=*/10, 64, 64 << 20);
//   const RequestTemplate& t = pool.Get(n);
//   std::vector<TraceKey> keys(t.trace_count);
//   for (...) keys[i] = ids.Key(seq + i);
//   t.Instantiate(keys.data(), now - t.max_time, out);  // out has room for t.size()

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "loadgen/generator.h"

namespace vivace::loadgen {

// The identity a trace gets when a template is instantiated.
struct TraceKey {
  std::array<uint8_t, 16> id{};
  uint64_t span_xor = 0;
};

// Derives trace keys from a sequence number: distinct sequence numbers give distinct trace IDs
// (the upper half is a bijection of the number), and the same seed gives the same keys.
class IdSource {
 public:
  explicit IdSource(uint64_t seed);
  TraceKey Key(uint64_t seq) const;

 private:
  uint64_t hi_salt_;
  uint64_t lo_salt_;
  uint64_t span_salt_;
};

enum class PatchKind : uint8_t { kTraceId, kSpanId, kTime };

// One field to overwrite. 8 bytes, sorted by offset so patching walks memory forwards.
struct Patch {
  uint32_t offset;  // of the field's payload within the request
  uint16_t trace;   // which trace's key applies
  PatchKind kind;
};

// A serialized ExportTraceServiceRequest and where to patch it. Immutable once built;
// Instantiate may run concurrently from many threads.
struct RequestTemplate {
  std::string bytes;
  std::vector<Patch> patches;
  uint32_t trace_count = 0;
  uint32_t span_count = 0;
  uint64_t max_time = 0;  // latest relative timestamp

  size_t size() const { return bytes.size(); }

  // Writes the request into `out` (size() bytes): trace i gets keys[i], times are shifted by
  // `base_unix_nano`. REQUIRES: `keys` has trace_count entries.
  void Instantiate(const TraceKey* keys, uint64_t base_unix_nano, uint8_t* out) const;
};

// Serializes a request from Generator::NextRequest and finds its patch points.
// Returns Internal if the request breaks the generator's contract (a trace ID that is not a
// placeholder, a span without both timestamps, ...).
Result<RequestTemplate> MakeTemplate(const ExportRequest& request);

// The set of templates a run cycles through.
class TemplatePool {
 public:
  // Generates up to `count` templates of `traces_per_request` traces each from `options`,
  // stopping early once they hold `max_bytes` (at least one is always built). With
  // `tail_traces` > 0, also builds tail() with that many traces, for the last request of a run
  // whose trace total is not a multiple of traces_per_request.
  static Result<TemplatePool> Build(const GeneratorOptions& options, int traces_per_request,
                                    int count, size_t max_bytes, int tail_traces = 0);

  const RequestTemplate& Get(uint64_t n) const { return templates_[n % templates_.size()]; }

  const RequestTemplate& tail() const { return tail_; }

  size_t size() const { return templates_.size(); }

  size_t total_bytes() const;

 private:
  std::vector<RequestTemplate> templates_;
  RequestTemplate tail_;
};

}  // namespace vivace::loadgen
