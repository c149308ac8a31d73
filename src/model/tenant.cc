#include "model/tenant.h"

#include <algorithm>

#include <fmt/format.h>

namespace vivace::model {
namespace {

bool Supported(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' ||
         c == '-' || c == '_' || c == '.' || c == '*' || c == '\'' || c == '(' || c == ')';
}

std::string_view StripMetadata(std::string_view id) {
  size_t colon = id.find(':');
  return colon == std::string_view::npos ? id : id.substr(0, colon);
}

Result<std::vector<std::string>> SplitTenants(std::string_view header) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    size_t j = header.find('|', i);
    std::string_view part = StripMetadata(header.substr(i, j == std::string_view::npos ? j : j - i));
    VV_RETURN_IF_ERROR(ValidateTenantId(part));
    out.emplace_back(part);
    if (j == std::string_view::npos) {
      break;
    }
    i = j + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Status ValidateTenantId(std::string_view id) {
  if (id.empty()) {
    return Status::Unauthenticated("no org id");
  }
  for (char c : id) {
    if (!Supported(c)) {
      return Status::InvalidArgument(
          fmt::format("tenant ID '{}' contains unsupported character '{}'", id, c));
    }
  }
  if (id.size() > kMaxTenantIdLength) {
    return Status::InvalidArgument(
        fmt::format("tenant ID is too long: max {} characters", kMaxTenantIdLength));
  }
  if (id == "." || id == "..") {
    return Status::InvalidArgument("tenant ID is '.' or '..'");
  }
  return Status::Ok();
}

Result<std::string> ResolveWriteTenant(bool multitenancy, std::optional<std::string_view> header) {
  if (!multitenancy) {
    return std::string(kSingleTenant);
  }
  if (!header || header->empty()) {
    return Status::Unauthenticated("no org id");
  }
  VV_ASSIGN_OR_RETURN(std::vector<std::string> tenants, SplitTenants(*header));
  if (tenants.size() != 1) {
    return Status::InvalidArgument("multiple org IDs present");
  }
  return tenants[0];
}

Result<std::vector<std::string>> ResolveReadTenants(bool multitenancy,
                                                    std::optional<std::string_view> header,
                                                    bool allow_multiple) {
  if (!multitenancy) {
    return std::vector<std::string>{std::string(kSingleTenant)};
  }
  if (!header || header->empty()) {
    return Status::Unauthenticated("no org id");
  }
  VV_ASSIGN_OR_RETURN(std::vector<std::string> tenants, SplitTenants(*header));
  if (tenants.size() > 1 && !allow_multiple) {
    return Status::InvalidArgument("multiple org IDs present");
  }
  return tenants;
}

}  // namespace vivace::model
