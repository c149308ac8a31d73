#pragma once

// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Vivace's block footers
// (docs/format/encodings.md). Uses the SSE4.2 crc32 instruction when the CPU has it (checked
// once at run time; the build targets generic x86-64) and a slicing-by-8 table otherwise.
// Thread-safe: pure functions.

#include <cstdint>

#include "common/bytes.h"

namespace vivace {

// The CRC32C of `data` ("123456789" -> 0xE3069283).
uint32_t Crc32c(ByteView data);

// Continues a CRC: Crc32cExtend(Crc32c(a), b) == Crc32c(a followed by b). Crc32cExtend(0, x)
// == Crc32c(x).
uint32_t Crc32cExtend(uint32_t crc, ByteView data);

namespace internal {
// Both implementations, for tests and benchmarks. Crc32cHardware REQUIRES Crc32cHasHardware().
uint32_t Crc32cSoftware(uint32_t crc, ByteView data);
uint32_t Crc32cHardware(uint32_t crc, ByteView data);
bool Crc32cHasHardware();
}  // namespace internal

}  // namespace vivace
