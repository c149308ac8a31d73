#pragma once

// Request-body content encodings accepted by the OTLP/HTTP receiver (as the OpenTelemetry
// Collector accepts them): gzip, deflate/zlib, zstd, snappy (block, or framed detected by its
// stream header), x-snappy-framed, lz4 (frame format). Output is bounded so a small compressed
// body cannot expand into unbounded memory.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::net {

// Returns the decoded body. InvalidArgument for an unknown encoding ("unsupported
// Content-Encoding: X") or corrupt data; ResourceExhausted when the output would exceed
// `max_output` bytes. "" and "identity" return the body unchanged (still size-checked).
Result<std::string> DecodeContentEncoding(std::string_view encoding, ByteView body,
                                          size_t max_output);

// gzip-compresses `data` (used by tests and clients).
std::string GzipCompress(ByteView data);

}  // namespace vivace::net
