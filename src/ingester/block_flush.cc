#include "ingester/block_flush.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "backend/block_store.h"
#include "common/durable_file.h"
#include "common/logging.h"
#include "ingester/fragments.h"
#include "model/trace_assembler.h"

namespace vivace::ingester {
namespace {

constexpr std::string_view kMarkerSuffix = ".flushing";

std::string MarkerPath(const std::string& dir, const backend::BlockId& id,
                       const std::string& tenant) {
  return (std::filesystem::path(dir) / (id.ToString() + "+" + tenant + std::string(kMarkerSuffix)))
      .string();
}

}  // namespace

Status CombineParts(ByteView framed, std::string* out) {
  size_t parts = 0;
  ByteView only;
  bool ok = ForEachFragment(framed, [&](ByteView f) {
    ++parts;
    only = f;
  });
  if (!ok) {
    return Status::DataLoss("corrupt fragment framing");
  }
  if (parts == 1) {
    out->assign(reinterpret_cast<const char*>(only.data()), only.size());
    return Status::Ok();
  }
  model::TraceAssembler assembler(0, model::TraceAssembler::SharedSpanIds::kKeep);
  Status s;
  ForEachFragment(framed, [&](ByteView f) {
    if (s.ok()) {
      s = assembler.Add(f);
    }
  });
  VV_RETURN_IF_ERROR(s);
  *out = assembler.SerializeProto();
  return Status::Ok();
}

namespace {

Result<backend::BlockMeta> WriteSorted(backend::RawBackend* backend,
                                       block::BlockWriterOptions options,
                                       std::vector<std::pair<model::TraceId, ByteView>> sorted,
                                       const std::string& marker_dir) {
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  std::string marker;
  if (!marker_dir.empty()) {
    marker = MarkerPath(marker_dir, options.block_id, options.tenant);
    VV_RETURN_IF_ERROR(WriteFileDurably(marker, ""));
  }
  options.estimated_traces = std::max<uint64_t>(sorted.size(), 1);
  block::BlockWriter writer(backend, options);
  std::string combined;
  for (const auto& [id, data] : sorted) {
    Status s = CombineParts(data, &combined);
    if (!s.ok()) {
      // Parts were validated on the way in; skip the trace rather than lose the block.
      VV_ERROR("dropping undecodable trace from block", {"tenant", options.tenant},
               {"traceID", id.Hex()}, {"err", s});
      continue;
    }
    VV_RETURN_IF_ERROR(writer.Add(id, ByteView(combined)));
  }
  VV_ASSIGN_OR_RETURN(backend::BlockMeta meta, writer.Finish());
  if (!marker.empty()) {
    Status s = RemoveFileDurably(marker);
    if (!s.ok()) {
      // Harmless: at the next start the marker finds a complete block and is just removed.
      VV_WARN("could not remove flush marker", {"path", marker}, {"err", s});
    }
  }
  return meta;
}

}  // namespace

Result<backend::BlockMeta> WriteCompleteBlock(backend::RawBackend* backend,
                                              block::BlockWriterOptions options,
                                              const model::TraceMap<std::string>& traces,
                                              const std::string& marker_dir) {
  std::vector<std::pair<model::TraceId, ByteView>> sorted;
  sorted.reserve(traces.size());
  traces.ForEach([&](const model::TraceId& id, const std::string& data) {
    sorted.emplace_back(id, ByteView(data));
  });
  return WriteSorted(backend, std::move(options), std::move(sorted), marker_dir);
}

Result<backend::BlockMeta> WriteCompleteBlock(backend::RawBackend* backend,
                                              block::BlockWriterOptions options,
                                              const model::TraceMap<OwnedTraceBuffer>& traces,
                                              const std::string& marker_dir) {
  std::vector<std::pair<model::TraceId, ByteView>> sorted;
  sorted.reserve(traces.size());
  traces.ForEach([&](const model::TraceId& id, const OwnedTraceBuffer& data) {
    sorted.emplace_back(id, ByteView(data.data()));
  });
  return WriteSorted(backend, std::move(options), std::move(sorted), marker_dir);
}

Result<int> CleanUpInterruptedFlushes(backend::RawBackend* backend, const std::string& marker_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(marker_dir, ec)) {
    return 0;
  }
  backend::BlockStore store(*backend);
  int removed = 0;
  std::vector<fs::path> markers;
  for (const auto& e : fs::directory_iterator(marker_dir, ec)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() > kMarkerSuffix.size()
        && name.ends_with(kMarkerSuffix)) {
      markers.push_back(e.path());
    }
  }
  if (ec) {
    return Status::Internal("listing " + marker_dir + ": " + ec.message());
  }
  for (const fs::path& path : markers) {
    std::string name = path.filename().string();
    name.resize(name.size() - kMarkerSuffix.size());
    size_t plus = name.find('+');
    auto id = backend::BlockId::Parse(name.substr(0, plus));
    if (plus == std::string::npos || !id.ok()) {
      VV_WARN("ignoring unrecognised flush marker", {"path", path.string()});
      continue;
    }
    std::string tenant = name.substr(plus + 1);
    auto meta = store.ReadBlockMeta(tenant, *id);
    if (!meta.ok()) {
      if (meta.status().code() != Code::kNotFound) {
        // A meta.json that exists but does not decode: leave the block for an operator.
        VV_ERROR("block of an interrupted flush has an unreadable meta.json; leaving it",
                 {"tenant", tenant}, {"block", id->ToString()}, {"err", meta.status()});
      } else {
        VV_RETURN_IF_ERROR(store.ClearBlock(tenant, *id));
        VV_INFO("removed partial block of an interrupted flush", {"tenant", tenant},
                {"block", id->ToString()});
        ++removed;
      }
    }
    VV_RETURN_IF_ERROR(RemoveFileDurably(path.string()));
  }
  return removed;
}

}  // namespace vivace::ingester
