#include "block/block_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "block/row_group_reader.h"

namespace vivace::block {

BlockReader::BlockReader(backend::RawBackend* backend, backend::BlockMeta meta)
    : backend_(backend), meta_(std::move(meta)), block_id_(meta_.block_id.ToString()) {}

Status BlockReader::LoadIndex() {
  if (index_loaded_) {
    return Status::Ok();
  }
  VV_ASSIGN_OR_RETURN(std::string bytes,
                      backend_->Read(ObjectKey(meta_.tenant_id, block_id_, "index")));
  VV_ASSIGN_OR_RETURN(index_, DecodeIndex(ByteView(bytes)));
  index_loaded_ = true;
  return Status::Ok();
}

Result<std::vector<RowGroupEntry>> BlockReader::Index() {
  std::lock_guard<std::mutex> lock(mu_);
  VV_RETURN_IF_ERROR(LoadIndex());
  return index_;
}

Status BlockReader::Shard(uint32_t shard, const BloomShard** out) {
  auto it = shards_.find(shard);
  if (it != shards_.end()) {
    *out = it->second.get();
    return Status::Ok();
  }
  VV_ASSIGN_OR_RETURN(std::string bytes,
                      backend_->Read(ObjectKey(meta_.tenant_id, block_id_, BloomName(shard))));
  VV_ASSIGN_OR_RETURN(BloomShard parsed, BloomShard::Parse(ByteView(bytes)));
  auto owned = std::make_unique<BloomShard>(std::move(parsed));
  *out = owned.get();
  shards_[shard] = std::move(owned);
  return Status::Ok();
}

Result<std::string> BlockReader::ReadRowGroup(const RowGroupEntry& e) {
  return backend_->ReadRange(ObjectKey(meta_.tenant_id, block_id_, "data"), e.offset, e.length);
}

Result<std::string> BlockReader::ReadRowGroupRange(const RowGroupEntry& e, uint64_t offset,
                                                   uint64_t length) {
  if (offset > e.length || length > e.length - offset) {
    return Status::OutOfRange(
        fmt::format("bytes {}+{} of a row group of {}", offset, length, e.length));
  }
  return backend_->ReadRange(ObjectKey(meta_.tenant_id, block_id_, "data"), e.offset + offset,
                             length);
}

Result<std::optional<std::string>> BlockReader::FindTrace(const model::TraceId& id,
                                                          FindStats* stats) {
  std::optional<RowGroupEntry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (meta_.bloom_shards > 0) {
      std::span<const uint8_t, 16> bytes(id.bytes);
      uint32_t shard = ShardedBloom::ShardFor(bytes, meta_.bloom_shards);
      const BloomShard* bloom = nullptr;
      Status s = Shard(shard, &bloom);
      if (!s.ok()) {
        return s.WithContext(fmt::format("block {}", block_id_));
      }
      if (!bloom->MayContain(bytes)) {
        if (stats != nullptr) {
          stats->bloom_negative = true;
        }
        return std::optional<std::string>();
      }
    }
    Status loaded = LoadIndex();
    if (!loaded.ok()) {
      return loaded.WithContext(fmt::format("block {}", block_id_));
    }
    // The first row group whose max ID is >= id; it holds id if its min is <= id.
    auto it = std::lower_bound(
        index_.begin(), index_.end(), id,
        [](const RowGroupEntry& e, const model::TraceId& v) { return e.summary.max_id < v; });
    if (it == index_.end() || id < it->summary.min_id) {
      return std::optional<std::string>();
    }
    entry = *it;
  }
  VV_ASSIGN_OR_RETURN(std::string rg, ReadRowGroup(*entry));
  if (stats != nullptr) {
    stats->bytes_read += rg.size();
  }
  auto reader = RowGroupReader::Open(ByteView(rg));
  if (!reader.ok()) {
    return reader.status().WithContext(fmt::format("block {}", block_id_));
  }
  VV_ASSIGN_OR_RETURN(std::optional<uint32_t> ordinal, (*reader)->FindTrace(id));
  if (!ordinal) {
    return std::optional<std::string>();
  }
  auto trace = (*reader)->ReadTrace(*ordinal);
  if (!trace.ok()) {
    return trace.status().WithContext(fmt::format("block {}", block_id_));
  }
  return std::optional<std::string>(std::move(trace).value());
}

Status BlockReader::Verify(const std::function<void(size_t, size_t)>& progress) {
  std::string data_key = ObjectKey(meta_.tenant_id, block_id_, "data");
  VV_ASSIGN_OR_RETURN(uint64_t size, backend_->Size(data_key));
  if (size != meta_.size || meta_.footer_size > size) {
    return Status::DataLoss(
        fmt::format("data object is {} bytes, meta.json says {}", size, meta_.size));
  }
  VV_ASSIGN_OR_RETURN(std::string tail,
                      backend_->ReadRange(data_key, size - meta_.footer_size, meta_.footer_size));
  VV_ASSIGN_OR_RETURN(std::vector<RowGroupEntry> footer, DecodeDataTail(ByteView(tail)));
  VV_ASSIGN_OR_RETURN(std::vector<RowGroupEntry> index, Index());
  if (EncodeIndexEntries(footer) != EncodeIndexEntries(index)) {
    return Status::DataLoss("index object and data footer disagree");
  }
  for (uint32_t s = 0; s < meta_.bloom_shards; ++s) {
    std::lock_guard<std::mutex> lock(mu_);
    const BloomShard* bloom = nullptr;
    VV_RETURN_IF_ERROR(Shard(s, &bloom));
  }
  uint64_t traces = 0;
  for (size_t i = 0; i < index.size(); ++i) {
    VV_ASSIGN_OR_RETURN(std::string rg, ReadRowGroup(index[i]));
    VV_ASSIGN_OR_RETURN(auto reader, RowGroupReader::Open(ByteView(rg)));
    VV_RETURN_IF_ERROR(reader->VerifyAllPages());
    if (reader->header().n_traces != index[i].summary.n_traces) {
      return Status::DataLoss(fmt::format("row group {} trace count disagrees with the index", i));
    }
    traces += index[i].summary.n_traces;
    if (progress) {
      progress(i + 1, index.size());
    }
  }
  if (traces != static_cast<uint64_t>(meta_.total_objects)) {
    return Status::DataLoss("trace count disagrees with meta.json");
  }
  return Status::Ok();
}

}  // namespace vivace::block
