#pragma once

// Names of the objects Tempo and Vivace keep in a bucket (spec storage.md §1, config §5.1).
// Keys are "<tenant>/<blockID>/<name>" for block objects and "<tenant>/<name>" for tenant
// objects.

#include <string_view>

namespace vivace::backend {

// Block objects.
inline constexpr std::string_view kMetaName = "meta.json";
inline constexpr std::string_view kCompactedMetaName = "meta.compacted.json";
inline constexpr std::string_view kNoCompactFlagName = "nocompact.flg";

// Tenant index objects: zstd protobuf (read first) and gzip JSON (fallback).
inline constexpr std::string_view kTenantIndexProtoName = "index.pb.zst";
inline constexpr std::string_view kTenantIndexJsonName = "index.json.gz";
// The file name inside the gzip header of index.json.gz.
inline constexpr std::string_view kTenantIndexJsonInnerName = "index.json";

// Bucket-root objects that are not tenants.
inline constexpr std::string_view kClusterSeedName = "tempo_cluster_seed.json";
inline constexpr std::string_view kWorkCacheName = "work.json";

// Path segments starting with this are reserved for a backend's in-flight temporary objects
// (LocalBackend's temp files); ValidateKey rejects them and List hides them.
inline constexpr std::string_view kTempObjectPrefix = ".vv-tmp-";

}  // namespace vivace::backend
