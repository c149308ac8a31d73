#pragma once

// One attribute test over the owner rows of a scope (docs/block-format.md §6.3): the promoted
// columns of the key (one per type), the generic key/value columns, and for the resource's
// service.name its own column. Values are tested where they are stored: string columns once
// per dictionary entry then by code, numbers as ranges. Values of type "other" (arrays,
// kvlists, bytes) cannot be judged from the columns and count as matches.

#include <cstdint>
#include <string_view>
#include <vector>

#include "block/schema.h"
#include "common/status.h"

namespace vivace::block {
class RowGroupReader;
}

namespace vivace::search {

class ValuePredicate;
struct ScanStats;

enum class AttrTest : uint8_t {
  kPredicate,  // some value of the key satisfies the predicate (or is of type "other")
  kExists,     // the owner has the key (any type)
  kNotExists,  // the owner has no typed value of the key
};

// Sets (*sel)[r] to 1 for each owner row r of scope `s` that may pass the test, 0 for the
// others (resized to the owner table's rows). `pred` is used for kPredicate only.
Status ScanAttribute(block::RowGroupReader& rg, block::AttrScope s, std::string_view key,
                     AttrTest test, const ValuePredicate* pred, ScanStats* stats,
                     std::vector<uint8_t>* sel);

// out[i] = table[code of value i] for the values of a dictionary-coded column, decoding only
// the pages whose code range and code signature admit a code the table selects (the others'
// bytes are left as they are: the caller zeroes `out`, one byte per value).
Status LookupCodes(block::RowGroupReader& rg, uint16_t column, const std::vector<uint8_t>& table,
                   ScanStats* stats, uint8_t* out);

// A string column of any table tested row by row (dense; without a chunk every row is "").
Status ScanStringColumn(block::RowGroupReader& rg, uint16_t column, const ValuePredicate& pred,
                        ScanStats* stats, std::vector<uint8_t>* sel);

}  // namespace vivace::search
