#pragma once

// Builds the caches of `cache.caches` (Tempo's roles; memcached, redis, or Vivace's inmemory
// LRU) and wraps the backend in a CachingBackend when any role is cached.

#include <memory>

#include "backend/raw_backend.h"
#include "config/config.h"

namespace vivace::backend::cache {

// `inner` unchanged when no cache is configured. InvalidArgument for a cache that cannot be
// built (no address, bad endpoint); an unreachable server is not an error (reads fall back).
Result<std::unique_ptr<RawBackend>> WithCaches(std::unique_ptr<RawBackend> inner,
                                               const config::Config& config);

}  // namespace vivace::backend::cache
