#pragma once

// The simdjson-DOM Zipkin v2 JSON decoder the product used before its single-pass decoder; the
// fuzzer checks that both decode every input the same way.

#include "common/bytes.h"
#include "common/status.h"
#include "receiver/zipkin.h"

namespace vivace::fuzz {

Status DecodeZipkinJsonReference(ByteView body, receiver::ZipkinBatch* out);

}  // namespace vivace::fuzz
