#include "block/block_writer.h"

#include <algorithm>

#include "backend/block_store.h"
#include "backend/keys.h"
#include "block/decoded_row_group.h"
#include "block/little_endian.h"
#include "block/row_group_format.h"
#include "common/crc32c.h"

namespace vivace::block {

BlockWriter::BlockWriter(backend::RawBackend* backend, BlockWriterOptions options)
    : backend_(backend),
      options_(std::move(options)),
      block_id_text_(options_.block_id.ToString()),
      row_group_(options_.row_group),
      bloom_(ShardedBloom::ForItems(options_.estimated_traces, options_.bloom_false_positive,
                                    options_.bloom_shard_bytes)) {}

Status BlockWriter::Open() {
  VV_RETURN_IF_ERROR(error_);
  if (data_) {
    return Status::Ok();
  }
  auto w = backend_->Append(ObjectKey(options_.tenant, block_id_text_, "data"));
  if (!w.ok()) {
    error_ = w.status();
    return error_;
  }
  data_ = std::move(w).value();
  std::string header(kDataMagic, 8);
  uint32_t version = kBlockVersion;
  uint32_t flags = 0;
  header.append(reinterpret_cast<const char*>(&version), 4);
  header.append(reinterpret_cast<const char*>(&flags), 4);
  error_ = data_->Append(ByteView(header));
  VV_RETURN_IF_ERROR(error_);
  data_size_ = header.size();
  return Status::Ok();
}

Status BlockWriter::Added(const model::TraceId& id) {
  bloom_.Add(std::span<const uint8_t, 16>(id.bytes));
  ++traces_;
  if (row_group_.approx_bytes() >= options_.row_group_bytes) {
    error_ = FlushRowGroup();
  }
  return error_;
}

Status BlockWriter::Add(const model::TraceId& id, ByteView trace) {
  VV_RETURN_IF_ERROR(Open());
  error_ = row_group_.AddTrace(id, trace);
  VV_RETURN_IF_ERROR(error_);
  return Added(id);
}

Status BlockWriter::Copy(const DecodedRowGroup& src, uint32_t t) {
  VV_RETURN_IF_ERROR(Open());
  row_group_.CopyTrace(src, t);
  return Added(src.ids()[t]);
}

Status BlockWriter::FlushRowGroup() {
  RowGroupEntry e;
  std::string rg = row_group_.Finish(&e.summary);
  e.offset = data_size_;
  e.length = static_cast<uint32_t>(rg.size());
  e.header_bytes = static_cast<uint32_t>(
      kRowGroupPrefixBytes + LoadLe32(reinterpret_cast<const uint8_t*>(rg.data()) + 8));
  VV_RETURN_IF_ERROR(data_->Append(ByteView(rg)));
  data_size_ += rg.size();
  if (entries_.empty()) {
    min_start_ = e.summary.min_start;
  }
  min_start_ = std::min(min_start_, e.summary.min_start);
  max_end_ = std::max(max_end_, e.summary.max_end);
  entries_.push_back(e);
  return Status::Ok();
}

Result<backend::BlockMeta> BlockWriter::Finish() {
  VV_RETURN_IF_ERROR(error_);
  if (traces_ == 0) {
    return Status::FailedPrecondition("a block needs at least one trace");
  }
  if (row_group_.n_traces() > 0) {
    VV_RETURN_IF_ERROR(FlushRowGroup());
  }
  std::string footer = EncodeIndexEntries(entries_);
  std::string trailer;
  auto len = static_cast<uint32_t>(footer.size());
  uint32_t crc = Crc32c(ByteView(footer));
  trailer.append(reinterpret_cast<const char*>(&len), 4);
  trailer.append(reinterpret_cast<const char*>(&crc), 4);
  trailer.append(kDataMagic, 8);
  VV_RETURN_IF_ERROR(data_->Append(ByteView(footer)));
  VV_RETURN_IF_ERROR(data_->Append(ByteView(trailer)));
  VV_RETURN_IF_ERROR(data_->Close());
  data_size_ += footer.size() + trailer.size();

  VV_RETURN_IF_ERROR(backend_->Write(ObjectKey(options_.tenant, block_id_text_, "index"),
                                     ByteView(EncodeIndex(entries_))));
  for (uint32_t s = 0; s < bloom_.shard_count(); ++s) {
    VV_RETURN_IF_ERROR(backend_->Write(ObjectKey(options_.tenant, block_id_text_, BloomName(s)),
                                       ByteView(bloom_.shard(s).Serialize())));
  }
  backend::BlockMeta meta;
  meta.format = kFormatName;
  meta.block_id = options_.block_id;
  meta.tenant_id = options_.tenant;
  meta.start_time = static_cast<int64_t>(min_start_ / 1'000'000'000);
  meta.end_time = static_cast<int64_t>((max_end_ + 999'999'999) / 1'000'000'000);
  meta.total_objects = static_cast<int64_t>(traces_);
  meta.size = data_size_;
  meta.compaction_level = options_.compaction_level;
  meta.total_records = static_cast<uint32_t>(entries_.size());
  meta.bloom_shards = bloom_.shard_count();
  meta.footer_size = static_cast<uint32_t>(footer.size() + trailer.size());
  meta.replication_factor = 1;
  backend::BlockStore store(*backend_);
  VV_RETURN_IF_ERROR(store.WriteBlockMeta(meta));
  return meta;
}

}  // namespace vivace::block
