#include "config/loader.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/flags.h"
#include "config/keys.h"
#include "config/validate.h"
#include "config/yaml_walk.h"

namespace vivace::config {
namespace {

// Expands (when asked), parses and walks `yaml` into `config`; no validation yet.
Status ParseInto(std::string_view yaml, bool expand_env, const EnvLookup& lookup, Config* config,
                 WalkState* state) {
  std::string expanded;
  if (expand_env) {
    auto r = ExpandEnv(yaml, lookup);
    if (!r.ok()) {
      return Status::InvalidArgument(
          fmt::format("failed to expand env vars: {}", r.status().message()));
    }
    expanded = std::move(r).value();
    yaml = expanded;
  }
  auto fail = [](const Status& s) {
    return Status::InvalidArgument(fmt::format("failed parsing config: {}", s.message()));
  };
  YAML::Node doc;
  if (Status s = ParseYamlDocument(yaml, &doc); !s.ok()) {
    return fail(s);
  }
  try {
    if (Status s = WalkMap(doc, ConfigSchema().root(), config, "", 1, *state); !s.ok()) {
      return fail(s);
    }
  } catch (const std::exception& e) {
    return fail(Status::InvalidArgument(e.what()));
  }
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::NotFound(fmt::format("cannot open \"{}\"", path));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return Status::Internal(fmt::format("error reading \"{}\"", path));
  }
  return ss.str();
}

Status LoadPerTenantFile(LoadedConfig* out, const EnvLookup& lookup) {
  const std::string& path = out->config.overrides.per_tenant_override_config;
  if (path.empty()) {
    return Status::Ok();
  }
  auto fail = [&path](const Status& s) {
    return Status::InvalidArgument(
        fmt::format("failed to load per-tenant overrides \"{}\": {}", path, s.message()));
  };
  auto text = ReadFile(path);
  if (!text.ok()) {
    return fail(text.status());
  }
  std::string yaml = std::move(text).value();
  if (out->expand_env) {
    auto r = ExpandEnv(yaml, lookup);
    if (!r.ok()) {
      return fail(r.status());
    }
    yaml = std::move(r).value();
  }
  auto tenants = LoadPerTenantOverrides(yaml, out->config.overrides.defaults, &out->warnings);
  if (!tenants.ok()) {
    return fail(tenants.status());
  }
  out->config.overrides.per_tenant = std::move(tenants).value();
  return Status::Ok();
}

}  // namespace

Result<LoadedConfig> LoadFromYaml(std::string_view yaml, bool expand_env, const EnvLookup& lookup) {
  LoadedConfig out;
  out.expand_env = expand_env;
  WalkState state;
  state.warnings = &out.warnings;
  VV_RETURN_IF_ERROR(ParseInto(yaml, expand_env, lookup, &out.config, &state));
  VV_RETURN_IF_ERROR(Finalize(&out.config, &state, &out.warnings));
  return out;
}

Result<LoadedConfig> LoadFromYaml(std::string_view yaml, bool expand_env) {
  return LoadFromYaml(yaml, expand_env, ProcessEnvLookup);
}

Result<LoadedConfig> LoadFromArgs(int argc, const char* const* argv) {
  LoadedConfig out;
  auto parsed = ParseFlags(argc, argv, &out.warnings);
  if (!parsed.ok()) {
    // As Go's flag package does: the error, then the usage.
    return Status::InvalidArgument(fmt::format("{}\n{}", parsed.status().message(), Usage()));
  }
  std::vector<ParsedFlag> flags = std::move(parsed).value();
  for (const ParsedFlag& f : flags) {
    switch (f.def->action) {
      case FlagAction::kConfigFile:
        out.config_file = std::get<std::string>(f.value);
        break;
      case FlagAction::kExpandEnv:
        out.expand_env = std::get<bool>(f.value);
        break;
      case FlagAction::kVerify:
        out.verify_only = std::get<bool>(f.value);
        break;
      case FlagAction::kVersion:
        out.show_version = std::get<bool>(f.value);
        break;
      case FlagAction::kHelp:
        out.show_help = true;
        break;
      case FlagAction::kHealth:
        out.health_check = std::get<bool>(f.value);
        break;
      case FlagAction::kHealthUrl:
        out.health_url = std::get<std::string>(f.value);
        break;
      default:
        break;
    }
  }
  if (out.show_help || out.show_version || out.health_check) {
    return out;
  }
  WalkState state;
  state.warnings = &out.warnings;
  if (!out.config_file.empty()) {
    auto text = ReadFile(out.config_file);
    if (!text.ok()) {
      return Status::InvalidArgument(
          fmt::format("failed to read config file: {}", text.status().message()));
    }
    VV_RETURN_IF_ERROR(ParseInto(*text, out.expand_env, ProcessEnvLookup, &out.config, &state));
  }
  ApplyFlags(flags, &out.config, &state);
  VV_RETURN_IF_ERROR(Finalize(&out.config, &state, &out.warnings));
  VV_RETURN_IF_ERROR(LoadPerTenantFile(&out, ProcessEnvLookup));
  return out;
}

const Config& DefaultConfig() {
  static const Config config = [] {
    auto loaded = LoadFromYaml("", false);
    return loaded.ok() ? std::move(loaded)->config : Config{};
  }();
  return config;
}

std::string Usage() {
  std::string out = "Usage of vivace:\n";
  Config defaults;
  for (const FlagDef& d : FlagDefs()) {
    if (d.action == FlagAction::kHelp) {
      continue;
    }
    out += "  -" + d.name;
    switch (d.kind) {
      case Kind::kBool:
        break;
      case Kind::kString:
        out += " string";
        break;
      case Kind::kDuration:
        out += " duration";
        break;
      case Kind::kInt:
      case Kind::kInt64:
      case Kind::kUint32:
        out += " int";
        break;
      default:
        out += " value";
    }
    out += "\n    \t" + d.help;
    if (d.ref) {
      RenderNode v = RenderLeaf(d.kind, d.flags, d.ref(defaults), true);
      bool zero = v.scalar.empty() || v.scalar == "\"\"" || v.scalar == "0" || v.scalar == "0s"
                  || v.scalar == "false";
      if (!zero) {
        const auto* str = static_cast<const std::string*>(d.ref(defaults));
        out += d.kind == Kind::kString ? fmt::format(" (default \"{}\")", *str)
                                       : fmt::format(" (default {})", v.scalar);
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace vivace::config
