#include "receiver/thrift.h"

namespace vivace::receiver::thrift {
namespace {

template <typename Reader>
bool SkipValue(Reader& r, TType type, int depth, bool (Reader::*skip)(TType, int)) {
  if (depth > kMaxDepth) {
    return r.Fail("thrift nesting too deep");
  }
  switch (type) {
    case TType::kBool: {
      bool b = false;
      return r.ReadBool(&b);
    }
    case TType::kByte: {
      int8_t v = 0;
      return r.ReadByte(&v);
    }
    case TType::kI16: {
      int16_t v = 0;
      return r.ReadI16(&v);
    }
    case TType::kI32: {
      int32_t v = 0;
      return r.ReadI32(&v);
    }
    case TType::kI64: {
      int64_t v = 0;
      return r.ReadI64(&v);
    }
    case TType::kDouble: {
      double v = 0;
      return r.ReadDouble(&v);
    }
    case TType::kString: {
      std::string_view v;
      return r.ReadString(&v);
    }
    case TType::kUuid: {
      // 16 raw bytes in both protocols.
      for (int i = 0; i < 16; ++i) {
        int8_t v = 0;
        if (!r.ReadByte(&v)) {
          return false;
        }
      }
      return true;
    }
    case TType::kStruct:
      return ReadStruct(r, [&](TType t, int16_t) { return (r.*skip)(t, depth + 1); });
    case TType::kList:
    case TType::kSet: {
      TType elem = TType::kStop;
      uint32_t n = 0;
      if (!r.ListBegin(&elem, &n)) {
        return false;
      }
      for (uint32_t i = 0; i < n; ++i) {
        if (!(r.*skip)(elem, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    case TType::kMap: {
      TType k = TType::kStop;
      TType v = TType::kStop;
      uint32_t n = 0;
      if (!r.MapBegin(&k, &v, &n)) {
        return false;
      }
      for (uint32_t i = 0; i < n; ++i) {
        if (!(r.*skip)(k, depth + 1) || !(r.*skip)(v, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    default:
      return r.Fail("unknown thrift type");
  }
}

}  // namespace

bool BinaryReader::SkipDepth(TType type, int depth) {
  return SkipValue(*this, type, depth, &BinaryReader::SkipDepth);
}

bool CompactReader::SkipDepth(TType type, int depth) {
  return SkipValue(*this, type, depth, &CompactReader::SkipDepth);
}

}  // namespace vivace::receiver::thrift
