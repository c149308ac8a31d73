#include "block/row_group_writer.h"

#include <algorithm>
#include <cstring>

#include <absl/container/flat_hash_map.h>

#include "block/bytes_codec.h"
#include "block/compression.h"
#include "block/dictionary.h"
#include "block/int_codec.h"
#include "block/row_group_format.h"
#include "common/crc32c.h"
#include "common/protowire.h"

namespace vivace::block {

using protowire::Reader;
using protowire::WireType;

namespace {

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

constexpr char kZeros[16] = {};

void PutU16(std::string& out, uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); }
void PutU32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }

Status Malformed() { return Status::DataLoss("trace to store is not well formed"); }

// A chunk being encoded: pages appended to `data`, described in `desc`.
struct ChunkBuilder {
  ChunkDesc desc;
  std::string data;

  void AddPage(ByteView raw, PageIndexEntry entry) {
    StoredPage stored = CompressPage(raw);
    entry.rel_offset = static_cast<uint32_t>(data.size());
    entry.stored_len = static_cast<uint32_t>(stored.bytes.size());
    entry.codec = stored.codec;
    desc.page_crcs.push_back(Crc32c(ByteView(stored.bytes)));
    desc.pages.push_back(entry);
    data += stored.bytes;
  }
};

bool UseDictionary(const Dictionary& dict, size_t n) {
  if (dict.SerializeRaw().size() > kMaxDictionaryPageBytes) {
    return false;
  }
  // Mostly-distinct values: codes plus the dictionary cost more than the bytes themselves.
  return !(n >= 64 && dict.size() * 2 > n);
}

}  // namespace

RowGroupWriter::RowGroupWriter() : cols_(kColumnCount) {}

void RowGroupWriter::U64(uint16_t col, uint64_t v) {
  cols_[col].u64.push_back(v);
  approx_bytes_ += 2;
}

void RowGroupWriter::F64(uint16_t col, uint64_t bits) {
  cols_[col].u64.push_back(bits);
  approx_bytes_ += 8;
}

void RowGroupWriter::Fixed(uint16_t col, ByteView v, size_t width) {
  if (v.size() == width) {
    cols_[col].fixed.append(reinterpret_cast<const char*>(v.data()), width);
  } else {
    cols_[col].fixed.append(kZeros, width);
  }
  approx_bytes_ += width;
}

void RowGroupWriter::Str(uint16_t col, ByteView v) {
  cols_[col].str.push_back(arena_.CopyString(v.str()));
  approx_bytes_ += v.size() + 1;
}

Status RowGroupWriter::AddAttributes(AttrScope s, const std::vector<ByteView>& kvs,
                                     ByteView* service, uint64_t* service_pos) {
  uint64_t strings = 0;
  for (ByteView kv : kvs) {
    ByteView key;
    ByteView value;
    Reader r(kv);
    while (r.Next()) {
      if (r.field() == 1 && r.type() == WireType::kLen) {
        key = r.bytes();
      } else if (r.field() == 2 && r.type() == WireType::kLen) {
        value = r.bytes();
      }
    }
    if (!r.ok()) {
      return Malformed();
    }
    // The value's type is its last oneof member on the wire (protobuf's rule).
    AttrType type = AttrType::kOther;
    uint64_t scalar = 0;
    ByteView str;
    Reader v(value);
    while (v.Next()) {
      switch (v.field()) {
        case 1:
          type = AttrType::kString;
          str = v.bytes();
          break;
        case 2:
          type = AttrType::kBool;
          scalar = v.varint() != 0 ? 1 : 0;
          break;
        case 3:
          type = AttrType::kInt;
          scalar = ZigZag(static_cast<int64_t>(v.varint()));
          break;
        case 4:
          type = AttrType::kDouble;
          scalar = v.varint();
          break;
        default:
          type = AttrType::kOther;
          break;
      }
    }
    if (!v.ok()) {
      return Malformed();
    }
    if (type == AttrType::kString) {
      ++strings;
      if (service != nullptr && *service_pos == 0 && key.str() == "service.name") {
        *service = str;
        *service_pos = strings;
        continue;  // stored in resource.service_name
      }
    }
    Str(AttrKeyColumn(s, type), key);
    uint16_t vc = AttrValueColumn(s, type);
    switch (type) {
      case AttrType::kString:
        Str(vc, str);
        break;
      case AttrType::kInt:
      case AttrType::kBool:
        U64(vc, scalar);
        break;
      case AttrType::kDouble:
        F64(vc, scalar);
        break;
      case AttrType::kOther:
        Str(vc, value);  // the whole AnyValue, verbatim
        break;
      case AttrType::kCount:
        break;
    }
    EndRow(AttrTable(s, type));
  }
  for (int t = 0; t < kAttrTypes; ++t) {
    auto type = static_cast<AttrType>(t);
    U64(AttrEndColumn(s, type), rows_[static_cast<int>(AttrTable(s, type))]);
  }
  return Status::Ok();
}

Status RowGroupWriter::AddResource(const ResourceShape& res, uint32_t scope_end) {
  std::vector<ByteView> attrs;
  uint64_t dropped = 0;
  std::string extra;
  Reader r(res.bytes);
  const uint8_t* field_start = res.bytes.data();
  while (r.Next()) {
    if (r.field() == 1 && r.type() == WireType::kLen) {
      attrs.push_back(r.bytes());
    } else if (r.field() == 2 && r.type() == WireType::kVarint) {
      dropped = r.varint();
    } else {
      extra.append(reinterpret_cast<const char*>(field_start),
                   static_cast<size_t>(r.position() - field_start));
    }
    field_start = r.position();
  }
  if (!r.ok()) {
    return Malformed();
  }
  U64(static_cast<uint16_t>(Col::kResScopeEnd), scope_end);
  ByteView service;
  uint64_t pos = 0;
  VV_RETURN_IF_ERROR(AddAttributes(AttrScope::kResource, attrs, &service, &pos));
  Str(static_cast<uint16_t>(Col::kResService), service);
  U64(static_cast<uint16_t>(Col::kResServicePos), pos);
  U64(static_cast<uint16_t>(Col::kResDropped), dropped);
  Str(static_cast<uint16_t>(Col::kResExtra), ByteView(extra));
  EndRow(Table::kResource);
  return Status::Ok();
}

Status RowGroupWriter::AddScope(const ScopeShape& sc, uint32_t span_end) {
  ByteView name;
  ByteView version;
  std::vector<ByteView> attrs;
  uint64_t dropped = 0;
  Reader r(sc.bytes);
  while (r.Next()) {
    if (r.field() == 1 && r.type() == WireType::kLen) {
      name = r.bytes();
    } else if (r.field() == 2 && r.type() == WireType::kLen) {
      version = r.bytes();
    } else if (r.field() == 3 && r.type() == WireType::kLen) {
      attrs.push_back(r.bytes());
    } else if (r.field() == 4 && r.type() == WireType::kVarint) {
      dropped = r.varint();
    }
  }
  if (!r.ok()) {
    return Malformed();
  }
  U64(static_cast<uint16_t>(Col::kScopeSpanEnd), span_end);
  Str(static_cast<uint16_t>(Col::kScopeName), name);
  Str(static_cast<uint16_t>(Col::kScopeVersion), version);
  VV_RETURN_IF_ERROR(AddAttributes(AttrScope::kScope, attrs, nullptr, nullptr));
  U64(static_cast<uint16_t>(Col::kScopeDropped), dropped);
  EndRow(Table::kScope);
  return Status::Ok();
}

Status RowGroupWriter::AddSpan(const SpanShape& s, uint64_t trace_start, const TraceShape&) {
  auto c = [](Col col) { return static_cast<uint16_t>(col); };
  Fixed(c(Col::kSpanId), s.id, 8);
  U64(c(Col::kSpanParent), s.parent);
  Fixed(c(Col::kSpanParentExt), s.parent == 1 ? s.parent_id : ByteView(), 8);
  Str(c(Col::kSpanName), s.name);
  U64(c(Col::kSpanKind), s.kind);
  U64(c(Col::kSpanStatusCode), s.status_code);
  Str(c(Col::kSpanStatusMsg), s.status_message);
  U64(c(Col::kSpanStartRel), s.start - trace_start);
  U64(c(Col::kSpanDuration), ZigZag(static_cast<int64_t>(s.end - s.start)));
  Str(c(Col::kSpanTraceState), s.trace_state);
  U64(c(Col::kSpanFlags), s.flags);
  U64(c(Col::kSpanDroppedAttrs), s.dropped_attrs);
  U64(c(Col::kSpanDroppedEvents), s.dropped_events);
  U64(c(Col::kSpanDroppedLinks), s.dropped_links);
  U64(c(Col::kSpanEventEnd), rows_[static_cast<int>(Table::kEvent)] + s.events.size());
  U64(c(Col::kSpanLinkEnd), rows_[static_cast<int>(Table::kLink)] + s.links.size());
  U64(c(Col::kSpanNestedLeft), s.nested_left);
  U64(c(Col::kSpanNestedRight), s.nested_right);
  VV_RETURN_IF_ERROR(AddAttributes(AttrScope::kSpan, s.attributes, nullptr, nullptr));
  EndRow(Table::kSpan);
  for (ByteView ev : s.events) {
    uint64_t time = 0;
    ByteView name;
    std::vector<ByteView> attrs;
    uint64_t dropped = 0;
    Reader r(ev);
    while (r.Next()) {
      if (r.field() == 1 && r.type() == WireType::kI64) {
        time = r.varint();
      } else if (r.field() == 2 && r.type() == WireType::kLen) {
        name = r.bytes();
      } else if (r.field() == 3 && r.type() == WireType::kLen) {
        attrs.push_back(r.bytes());
      } else if (r.field() == 4 && r.type() == WireType::kVarint) {
        dropped = r.varint();
      }
    }
    if (!r.ok()) {
      return Malformed();
    }
    U64(c(Col::kEventTimeRel), ZigZag(static_cast<int64_t>(time - s.start)));
    Str(c(Col::kEventName), name);
    U64(c(Col::kEventDropped), dropped);
    VV_RETURN_IF_ERROR(AddAttributes(AttrScope::kEvent, attrs, nullptr, nullptr));
    EndRow(Table::kEvent);
  }
  for (ByteView link : s.links) {
    ByteView trace_id;
    ByteView span_id;
    ByteView state;
    std::vector<ByteView> attrs;
    uint64_t dropped = 0;
    uint64_t flags = 0;
    Reader r(link);
    while (r.Next()) {
      switch (r.field()) {
        case 1:
          trace_id = r.bytes();
          break;
        case 2:
          span_id = r.bytes();
          break;
        case 3:
          state = r.bytes();
          break;
        case 4:
          attrs.push_back(r.bytes());
          break;
        case 5:
          dropped = r.varint();
          break;
        case 6:
          flags = r.varint();
          break;
        default:
          break;
      }
    }
    if (!r.ok()) {
      return Malformed();
    }
    uint64_t mask = (trace_id.size() == 16 ? 1 : 0) | (span_id.size() == 8 ? 2 : 0);
    Fixed(c(Col::kLinkTraceId), trace_id, 16);
    Fixed(c(Col::kLinkSpanId), span_id, 8);
    U64(c(Col::kLinkIdMask), mask);
    Str(c(Col::kLinkTraceState), state);
    U64(c(Col::kLinkDropped), dropped);
    U64(c(Col::kLinkFlags), flags);
    VV_RETURN_IF_ERROR(AddAttributes(AttrScope::kLink, attrs, nullptr, nullptr));
    EndRow(Table::kLink);
  }
  return Status::Ok();
}

Status RowGroupWriter::AddTrace(const model::TraceId& id, ByteView trace) {
  VV_RETURN_IF_ERROR(ParseTraceShape(trace, &shape_));
  const TraceShape& t = shape_;
  // The root's service is in its resource's attributes: find the resource holding the root.
  ByteView root_service;
  ByteView root_name;
  if (t.root >= 0) {
    root_name = t.spans[static_cast<size_t>(t.root)].name;
    for (const ResourceShape& res : t.resources) {
      const ScopeShape& first = t.scopes[res.first_scope];
      const ScopeShape& last = t.scopes[res.first_scope + res.scope_count - 1];
      if (res.scope_count > 0 && static_cast<uint64_t>(t.root) >= first.first_span &&
          static_cast<uint64_t>(t.root) < last.first_span + last.span_count) {
        Reader r(res.bytes);
        while (r.Next() && root_service.empty()) {
          if (r.field() != 1 || r.type() != WireType::kLen) {
            continue;
          }
          ByteView key;
          ByteView value;
          Reader kv(r.bytes());
          while (kv.Next()) {
            if (kv.field() == 1) {
              key = kv.bytes();
            } else if (kv.field() == 2) {
              value = kv.bytes();
            }
          }
          if (key.str() == "service.name") {
            Reader v(value);
            while (v.Next()) {
              if (v.field() == 1 && v.type() == WireType::kLen) {
                root_service = v.bytes();
              }
            }
          }
        }
        break;
      }
    }
  }
  auto c = [](Col col) { return static_cast<uint16_t>(col); };
  Fixed(c(Col::kTraceId), id.view(), 16);
  U64(c(Col::kTraceStart), t.start);
  U64(c(Col::kTraceEnd), t.end);
  Str(c(Col::kTraceRootService), root_service);
  Str(c(Col::kTraceRootName), root_name);
  U64(c(Col::kTraceSpanCount), t.spans.size());
  U64(c(Col::kTraceResEnd), rows_[static_cast<int>(Table::kResource)] + t.resources.size());
  EndRow(Table::kTrace);
  for (const ResourceShape& res : t.resources) {
    VV_RETURN_IF_ERROR(
        AddResource(res, rows_[static_cast<int>(Table::kScope)] + res.scope_count));
    for (uint32_t si = res.first_scope; si < res.first_scope + res.scope_count; ++si) {
      const ScopeShape& sc = t.scopes[si];
      VV_RETURN_IF_ERROR(AddScope(sc, rows_[static_cast<int>(Table::kSpan)] + sc.span_count));
      for (uint32_t i = sc.first_span; i < sc.first_span + sc.span_count; ++i) {
        VV_RETURN_IF_ERROR(AddSpan(t.spans[i], t.start, t));
      }
    }
  }
  if (summary_.n_traces == 0) {
    summary_.min_id = id;
    summary_.min_start = t.start;
  }
  summary_.max_id = id;
  summary_.n_traces++;
  summary_.n_spans += static_cast<uint32_t>(t.spans.size());
  summary_.min_start = std::min(summary_.min_start, t.start);
  summary_.max_end = std::max(summary_.max_end, t.end);
  return Status::Ok();
}

std::string RowGroupWriter::Finish(RowGroupSummary* summary) {
  RowGroupHeader header;
  header.n_traces = summary_.n_traces;
  std::copy(std::begin(rows_), std::end(rows_), std::begin(header.rows));
  std::string data;
  for (uint16_t id = 0; id < kColumnCount; ++id) {
    const ColumnInfo* info = GetColumnInfo(id);
    Column& col = cols_[id];
    if (info == nullptr) {
      continue;
    }
    size_t n = 0;
    switch (info->kind) {
      case Kind::kFixed8:
        n = col.fixed.size() / 8;
        break;
      case Kind::kFixed16:
        n = col.fixed.size() / 16;
        break;
      case Kind::kString:
      case Kind::kBytes:
        n = col.str.size();
        break;
      case Kind::kU64:
      case Kind::kF64:
        n = col.u64.size();
        break;
    }
    if (n == 0) {
      continue;
    }
    ChunkBuilder cb;
    cb.desc.column = id;
    cb.desc.kind = info->kind;
    cb.desc.n_values = static_cast<uint32_t>(n);
    auto page_entry = [](size_t first, size_t count) {
      PageIndexEntry e;
      e.first_row = static_cast<uint32_t>(first);
      e.n_values = static_cast<uint32_t>(count);
      return e;
    };
    switch (info->kind) {
      case Kind::kU64:
      case Kind::kF64:
        for (size_t p = 0; p < n; p += kPageValues) {
          size_t m = std::min<size_t>(kPageValues, n - p);
          std::span<const uint64_t> values(col.u64.data() + p, m);
          PageIndexEntry e = page_entry(p, m);
          if (info->kind == Kind::kF64) {
            e.encoding = Encoding::kPlain;
            e.bit_width = 64;
            cb.AddPage(ByteView(EncodePlainU64(values, 8)), e);
          } else {
            U64Page page = EncodeU64Page(values);
            e.encoding = page.encoding;
            e.bit_width = page.bit_width;
            e.min = page.min;
            e.max = page.max;
            cb.AddPage(ByteView(page.bytes), e);
          }
        }
        break;
      case Kind::kFixed8:
      case Kind::kFixed16: {
        int width = info->kind == Kind::kFixed8 ? 8 : 16;
        for (size_t p = 0; p < n; p += kPageValues) {
          size_t m = std::min<size_t>(kPageValues, n - p);
          PageIndexEntry e = page_entry(p, m);
          e.encoding = Encoding::kPlain;
          e.bit_width = static_cast<uint16_t>(8 * width);
          ByteView slice = ByteView(col.fixed).substr(p * static_cast<size_t>(width),
                                                      m * static_cast<size_t>(width));
          cb.AddPage(ByteView(EncodePlainFixed(slice, width)), e);
        }
        break;
      }
      case Kind::kString:
      case Kind::kBytes: {
        Dictionary dict;
        bool use_dict = false;
        if (info->kind == Kind::kString) {
          dict = Dictionary::FromValues(col.str);
          use_dict = UseDictionary(dict, n);
        }
        if (use_dict) {
          absl::flat_hash_map<std::string_view, uint32_t> codes;
          codes.reserve(dict.size());
          for (uint32_t i = 0; i < dict.size(); ++i) {
            codes.emplace(dict.value(i), i);
          }
          std::string dict_page = ZstdCompress(ByteView(dict.SerializeRaw()));
          cb.desc.flags |= kChunkDict;
          cb.desc.dict_length = static_cast<uint32_t>(dict_page.size());
          cb.desc.dict_count = dict.size();
          cb.desc.dict_crc = Crc32c(ByteView(dict_page));
          cb.data = std::move(dict_page);
          std::vector<uint32_t> page_codes;
          for (size_t p = 0; p < n; p += kPageValues) {
            size_t m = std::min<size_t>(kPageValues, n - p);
            page_codes.clear();
            uint32_t lo = UINT32_MAX;
            uint32_t hi = 0;
            for (size_t i = p; i < p + m; ++i) {
              uint32_t code = codes.at(col.str[i]);
              page_codes.push_back(code);
              lo = std::min(lo, code);
              hi = std::max(hi, code);
            }
            PageIndexEntry e = page_entry(p, m);
            std::string bytes = EncodeDictCodes(page_codes);
            e.encoding = Encoding::kDict;
            e.bit_width = static_cast<uint16_t>(bytes.empty() ? 0 : static_cast<uint8_t>(bytes[0]));
            e.min = lo;
            e.max = hi;
            e.code_signature = CodeSignature(page_codes);
            cb.AddPage(ByteView(bytes), e);
          }
        } else {
          for (size_t p = 0; p < n; p += kPageValues) {
            size_t m = std::min<size_t>(kPageValues, n - p);
            PageIndexEntry e = page_entry(p, m);
            e.encoding = Encoding::kBytes;
            std::span<const std::string_view> values(col.str.data() + p, m);
            cb.AddPage(ByteView(EncodeBytes(values)), e);
          }
        }
        break;
      }
    }
    cb.desc.offset = static_cast<uint32_t>(data.size());
    cb.desc.length = static_cast<uint32_t>(cb.data.size());
    data += cb.data;
    header.chunks.push_back(std::move(cb.desc));
  }
  // Header.
  std::string h(kRowGroupMagic, 4);
  PutU32(h, kRowGroupVersion);
  PutU32(h, header.n_traces);
  for (uint32_t r : header.rows) {
    PutU32(h, r);
  }
  PutU32(h, static_cast<uint32_t>(header.chunks.size()));
  for (const ChunkDesc& d : header.chunks) {
    PutU16(h, d.column);
    h += static_cast<char>(d.kind);
    h += static_cast<char>(d.flags);
    PutU32(h, d.n_values);
    PutU32(h, d.offset);
    PutU32(h, d.length);
    PutU32(h, d.dict_length);
    PutU32(h, d.dict_count);
    PutU32(h, d.dict_crc);
    PutU32(h, static_cast<uint32_t>(d.pages.size()));
    for (uint32_t crc : d.page_crcs) {
      PutU32(h, crc);
    }
    for (const PageIndexEntry& e : d.pages) {
      AppendPageIndexEntry(e, h);
    }
  }
  std::string out;
  out.reserve(h.size() + data.size() + 8);
  PutU32(out, static_cast<uint32_t>(h.size()));
  out += h;
  PutU32(out, Crc32c(ByteView(h)));
  out += data;
  *summary = summary_;
  Reset();
  return out;
}

void RowGroupWriter::Reset() {
  for (Column& c : cols_) {
    c.u64.clear();
    c.fixed.clear();
    c.str.clear();
  }
  std::fill(std::begin(rows_), std::end(rows_), 0);
  arena_.Reset();
  summary_ = RowGroupSummary();
  approx_bytes_ = 0;
}

}  // namespace vivace::block
