#include "block/block_trace_stream.h"

#include <cstring>

#include <fmt/format.h>

#include "block/decoded_row_group.h"
#include "block/row_group_reader.h"
#include "block/schema.h"

namespace vivace::block {

BlockTraceStream::BlockTraceStream(backend::RawBackend* backend, backend::BlockMeta meta)
    : backend_(backend), meta_(std::move(meta)) {}

BlockTraceStream::~BlockTraceStream() = default;

Status BlockTraceStream::OpenRowGroup(size_t i) {
  const RowGroupEntry& e = index_[i];
  const std::string key = ObjectKey(meta_.tenant_id, meta_.block_id.ToString(), "data");
  VV_ASSIGN_OR_RETURN(row_group_bytes_, backend_->ReadRange(key, e.offset, e.length));
  bytes_read_ += row_group_bytes_.size();
  spans_read_ += e.summary.n_spans;
  row_group_.reset();  // views into the previous row group's bytes
  VV_ASSIGN_OR_RETURN(std::unique_ptr<RowGroupReader> reader,
                      RowGroupReader::Open(ByteView(row_group_bytes_)));
  const uint32_t n = reader->rows(Table::kTrace);
  if (n != e.summary.n_traces) {
    return Status::DataLoss(
        fmt::format("row group {} holds {} traces, the index says {}", i, n, e.summary.n_traces));
  }
  VV_ASSIGN_OR_RETURN(row_group_, DecodedRowGroup::Decode(std::move(reader)));
  return Status::Ok();
}

Result<bool> BlockTraceStream::Next() {
  if (!index_loaded_) {
    const std::string key = ObjectKey(meta_.tenant_id, meta_.block_id.ToString(), "index");
    VV_ASSIGN_OR_RETURN(std::string bytes, backend_->Read(key));
    bytes_read_ += bytes.size();
    VV_ASSIGN_OR_RETURN(index_, DecodeIndex(ByteView(bytes)));
    index_loaded_ = true;
  }
  if (started_) {
    ++ordinal_;
  }
  while (!started_ || row_group_ == nullptr || ordinal_ >= row_group_->n_traces()) {
    if (next_row_group_ >= index_.size()) {
      started_ = false;
      row_group_.reset();
      row_group_bytes_.clear();
      return false;
    }
    Status s = OpenRowGroup(next_row_group_++);
    if (!s.ok()) {
      return s.WithContext(fmt::format("block {}", meta_.block_id.ToString()));
    }
    ordinal_ = 0;
    started_ = true;
  }
  return true;
}

const model::TraceId& BlockTraceStream::id() const { return row_group_->ids()[ordinal_]; }

Result<ByteView> BlockTraceStream::ReadTrace() {
  auto trace = row_group_->reader().ReadTrace(ordinal_);
  if (!trace.ok()) {
    return trace.status().WithContext(fmt::format("block {}", meta_.block_id.ToString()));
  }
  trace_ = std::move(trace).value();
  return ByteView(trace_);
}

}  // namespace vivace::block
