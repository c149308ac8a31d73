#pragma once

// Internal to the OTLP/JSON decoder (otlp_json.cc): the protobuf writer it emits into.

#include "common/wire_out.h"

namespace vivace::model::internal {

using WireOut = protowire::WireOut;

}  // namespace vivace::model::internal
