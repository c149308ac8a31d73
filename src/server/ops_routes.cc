#include "server/ops_routes.h"

#include <fmt/format.h>

#include "common/build_info.h"
#include "common/json_writer.h"
#include "common/metrics.h"
#include "config/render.h"

namespace vivace::server {
namespace {

using net::HttpRequest;
using net::HttpResponse;
using net::Responder;

std::string ServicesText(const Services& services) {
  std::string out = fmt::format("{:<25} | {:<12} | {}\n", "service name", "status", "failure case");
  out += std::string(60, '-') + "\n";
  for (const auto& e : services.List()) {
    out += fmt::format("{:<25} | {:<12} | {}\n", e.name, ServiceStateName(e.state), e.failure);
  }
  return out;
}

std::string EndpointsText(const net::Router& router) {
  std::string out = fmt::format("{:<45} | {}\n", "name", "route");
  out += std::string(80, '-') + "\n";
  for (const std::string& p : router.Patterns()) {
    out += fmt::format("{:<45} | {}\n", net::Router::RouteName(p), p);
  }
  out += "\nAPI documentation: https://grafana.com/docs/tempo/latest/api_docs/\n";
  return out;
}

Result<std::string> ConfigText(const config::Config& config, const HttpRequest& req) {
  std::string_view mode = req.Query("mode").value_or("");
  if (mode.empty()) {
    return config::RenderYaml(config, config::RenderMode::kFull);
  }
  if (mode == "diff") {
    return config::RenderYaml(config, config::RenderMode::kDiff);
  }
  if (mode == "defaults") {
    return config::RenderYaml(config, config::RenderMode::kDefaults);
  }
  return Status::Internal("unknown value for mode query parameter");
}

}  // namespace

std::string VersionText() {
  const BuildInfo& b = GetBuildInfo();
  return fmt::format(
      "vivace, version {} (tempo-compatible {}; branch: {}, revision: {})\n  build user:       "
      "{}\n  build date:       {}\n  compiler:         {}\n",
      b.vivace_version, b.tempo_version, b.branch, b.revision, b.build_user, b.build_date,
      b.compiler);
}

void RegisterOpsRoutes(net::Router* router, const OpsContext& ctx, const std::string& api_prefix) {
  const Services* services = ctx.services;
  router->Add("/ready", [services](HttpRequest, Responder respond) {
    std::string reason = services->NotReadyReason();
    if (reason.empty()) {
      respond(HttpResponse::Text(200, "ready\n"));
    } else {
      respond(HttpResponse::Text(503, reason + "\n"));
    }
  });
  router->Add("/metrics", [](HttpRequest, Responder respond) {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics::DefaultRegistry().Expose();
    respond(std::move(r));
  });
  router->Add(api_prefix + "/api/echo", [](HttpRequest, Responder respond) {
    respond(HttpResponse::Text(200, "echo\n"));
  });
  router->Add(
      api_prefix + "/api/status/buildinfo",
      [](HttpRequest, Responder respond) {
        const BuildInfo& b = GetBuildInfo();
        std::string out;
        JsonWriter w(&out);
        w.BeginObject();
        w.Key("version");
        w.String(b.tempo_version);
        w.Key("revision");
        w.String(b.revision);
        w.Key("branch");
        w.String(b.branch);
        w.Key("buildUser");
        w.String(b.build_user);
        w.Key("buildDate");
        w.String(b.build_date);
        w.Key("goVersion");
        w.String(b.compiler);
        w.EndObject();
        respond(HttpResponse::Json(200, std::move(out)));
      },
      {"GET"});
  const config::Config* config = ctx.config;
  const net::Router* routes = ctx.router;
  router->Add(
      "/status/version",
      [](HttpRequest, Responder respond) { respond(HttpResponse::Text(200, VersionText())); },
      {"GET"});
  router->Add(
      "/status/services",
      [services](HttpRequest, Responder respond) {
        respond(HttpResponse::Text(200, ServicesText(*services)));
      },
      {"GET"});
  router->Add(
      "/status/endpoints",
      [routes](HttpRequest, Responder respond) {
        respond(HttpResponse::Text(200, EndpointsText(*routes)));
      },
      {"GET"});
  router->Add(
      "/status/config",
      [config](HttpRequest req, Responder respond) {
        auto text = ConfigText(*config, req);
        if (!text.ok()) {
          respond(HttpResponse::Text(500, std::string(text.status().message())));
          return;
        }
        respond(HttpResponse::Text(200, std::move(text).value()));
      },
      {"GET"});
  router->Add(
      "/status",
      [services, routes, config](HttpRequest req, Responder respond) {
        std::string out = "GET /status/version\n" + VersionText() + "\nGET /status/services\n" +
                          ServicesText(*services) + "\nGET /status/endpoints\n" +
                          EndpointsText(*routes) + "\nGET /status/runtime_config\n" +
                          config::RenderOverridesYaml(config->overrides.per_tenant) +
                          "\nGET /status/config\n";
        auto text = ConfigText(*config, req);
        out += text.ok() ? *text : std::string(text.status().message());
        respond(HttpResponse::Text(200, std::move(out)));
      },
      {"GET"});
  router->Add(
      "/status/runtime_config",
      [config](HttpRequest, Responder respond) {
        respond(HttpResponse::Text(200, config::RenderOverridesYaml(config->overrides.per_tenant)));
      },
      {"GET"});
  router->Add(
      "/status/{page}",
      [](HttpRequest, Responder respond) {
        respond(HttpResponse::Text(404, "404 page not found\n"));
      },
      {"GET"});
}

}  // namespace vivace::server
