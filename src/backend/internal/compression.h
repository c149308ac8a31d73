#pragma once

// gzip and zstd for the tenant index objects (index.json.gz, index.pb.zst). Decompression is
// bounded so a small corrupt or hostile object cannot expand without limit.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::backend::internal {

// One gzip member whose header names the file `inner_name` (as Go's gzip.Writer with
// Header.Name does).
std::string GzipCompress(ByteView data, std::string_view inner_name);
// All gzip members, concatenated. DataLoss for corrupt input; ResourceExhausted past
// `max_output` bytes.
Result<std::string> GzipDecompress(ByteView data, size_t max_output);

// One zstd frame with the content size in its header.
std::string ZstdCompress(ByteView data, int level = 3);
// All zstd frames. DataLoss for corrupt input; ResourceExhausted past `max_output` bytes.
Result<std::string> ZstdDecompress(ByteView data, size_t max_output);

}  // namespace vivace::backend::internal
