// Fuzzes the meta.json decoder (and the tenant index JSON decoder that embeds it). Every
// accepted document must encode back to JSON that decodes to the same value.

#include <cstdlib>

#include "backend/block_meta.h"
#include "backend/tenant_index.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vivace::ByteView input(data, size);

  auto meta = vivace::backend::DecodeBlockMetaJson(input);
  if (meta.ok()) {
    auto again = vivace::backend::DecodeBlockMetaJson(vivace::ByteView(EncodeBlockMetaJson(*meta)));
    if (!again.ok() || !(*again == *meta)) {
      std::abort();
    }
  }

  auto compacted = vivace::backend::DecodeCompactedBlockMetaJson(input);
  if (compacted.ok() && !meta.ok()) {
    std::abort();  // meta.json decoding accepts a superset (it ignores compactedTime)
  }
  if (compacted.ok()) {
    auto again = vivace::backend::DecodeCompactedBlockMetaJson(
        vivace::ByteView(EncodeCompactedBlockMetaJson(*compacted)));
    if (!again.ok() || !(*again == *compacted)) {
      std::abort();
    }
  }

  auto index = vivace::backend::DecodeTenantIndexJsonText(input);
  if (index.ok()) {
    auto again =
        vivace::backend::DecodeTenantIndexJson(vivace::ByteView(EncodeTenantIndexJson(*index)));
    if (!again.ok() || !(*again == *index)) {
      std::abort();
    }
    auto proto =
        vivace::backend::DecodeTenantIndexProto(vivace::ByteView(EncodeTenantIndexProto(*index)));
    if (!proto.ok() || !(*proto == *index)) {
      std::abort();
    }
  }
  return 0;
}
