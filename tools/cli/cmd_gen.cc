// gen index: rewrite a block's `index` object from its data footer.

#include <fmt/format.h>

#include "block/block_format.h"
#include "cli/commands.h"

namespace vivace::cli {

Status GenIndex(Context& ctx) {
  std::string tenant = ctx.arg(0);
  VV_ASSIGN_OR_RETURN(backend::BlockId id, ParseBlockIdArg(ctx.arg(1)));
  VV_ASSIGN_OR_RETURN(BlockInfo info, ctx.LoadBlock(tenant, id));
  const backend::BlockMeta& m = info.meta;
  if (m.format != block::kFormatName) {
    return Status::FailedPrecondition(
        fmt::format("block {} has format {}; gen index writes {} indexes", id.ToString(), m.format,
                    block::kFormatName));
  }
  std::string block_id = id.ToString();
  std::string data_key = block::ObjectKey(tenant, block_id, "data");
  auto size = ctx.raw().Size(data_key);
  if (!size.ok()) {
    return size.status().WithContext(fmt::format("block {}: data", block_id));
  }
  if (m.footer_size < block::kDataTrailerSize || m.footer_size > *size) {
    return Status::DataLoss(
        fmt::format("block {}: meta.json: footerSize {} does not fit a "
                    "{}-byte data object",
                    block_id, m.footer_size, *size));
  }
  VV_ASSIGN_OR_RETURN(std::string tail,
                      ctx.raw().ReadRange(data_key, *size - m.footer_size, m.footer_size));
  auto entries = block::DecodeDataTail(ByteView(tail));
  if (!entries.ok()) {
    return entries.status().WithContext(fmt::format("block {}: data: trailer", block_id));
  }
  std::string index = block::EncodeIndex(*entries);
  std::string index_key = block::ObjectKey(tenant, block_id, "index");
  auto current = ctx.raw().Read(index_key);
  if (current.ok() && *current == index) {
    ctx.out() << "block " << block_id << ": index already matches the data footer ("
              << entries->size() << " row groups); left as is\n";
    return Status::Ok();
  }
  VV_RETURN_IF_ERROR(ctx.raw().Write(index_key, ByteView(index)));
  ctx.out() << "block " << block_id << ": wrote index (" << entries->size() << " row groups, "
            << index.size() << " bytes)" << (current.ok() ? ", replacing a different one" : "")
            << '\n';
  return Status::Ok();
}

}  // namespace vivace::cli
