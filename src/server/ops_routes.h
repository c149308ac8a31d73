#pragma once

// Operational endpoints every Vivace process serves on its main HTTP port: /ready, /metrics,
// /api/echo, /api/status/buildinfo and the /status pages (version, services, endpoints, config).

#include <string>

#include "config/config.h"
#include "net/router.h"
#include "server/services.h"

namespace vivace::server {

struct OpsContext {
  const config::Config* config = nullptr;
  const Services* services = nullptr;
  const net::Router* router = nullptr;  // for /status/endpoints (the router being built)
};

// Registers the endpoints on `router`. /api paths get `api_prefix` (http_api_prefix).
void RegisterOpsRoutes(net::Router* router, const OpsContext& ctx, const std::string& api_prefix);

std::string VersionText();

}  // namespace vivace::server
