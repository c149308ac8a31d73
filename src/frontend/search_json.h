#pragma once

// Tempo's JSON for search responses (proto3 JSON as gogo jsonpb writes it: lowerCamel names,
// 64-bit integers as strings, zero values and empty lists omitted, map keys sorted), except
// that the top-level `traces` list is always present. Only fields Grafana's strict decoder
// knows are written.

#include <string>

#include "tempopb/tempo.pb.h"

namespace vivace::frontend {

std::string SearchResponseJson(const tempopb::SearchResponse& response);

}  // namespace vivace::frontend
