#include "block/encoding.h"

namespace vivace::block {

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain:
      return "PLAIN";
    case Encoding::kBitpack:
      return "BITPACK";
    case Encoding::kDelta:
      return "DELTA";
    case Encoding::kDict:
      return "DICT";
    case Encoding::kBytes:
      return "BYTES";
    case Encoding::kBitmap:
      return "BITMAP";
    case Encoding::kTable:
      return "TABLE";
    case Encoding::kVarbits:
      return "VARBITS";
    case Encoding::kDecimal:
      return "DECIMAL";
  }
  return "UNKNOWN";
}

}  // namespace vivace::block
