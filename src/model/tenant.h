#pragma once

// Tenant resolution from X-Scope-OrgID, with Tempo's (dskit's) rules: multitenancy off means the
// literal tenant "single-tenant"; on, the header is required, "a|b" names several tenants for
// reads, a ":key=value" suffix is metadata, and IDs are 1..150 characters of
// [A-Za-z0-9!-_.*'()], never "." or "..".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vivace::model {

inline constexpr std::string_view kSingleTenant = "single-tenant";
inline constexpr size_t kMaxTenantIdLength = 150;

// InvalidArgument with dskit's messages, e.g. "tenant ID 'a/b' contains unsupported character '/'".
Status ValidateTenantId(std::string_view id);

// The one tenant a push belongs to. Unauthenticated "no org id" when multitenancy is on and the
// header is missing or empty; InvalidArgument for invalid IDs or several different tenants.
Result<std::string> ResolveWriteTenant(bool multitenancy, std::optional<std::string_view> header);

// The tenants a query reads: sorted and de-duplicated. Several tenants need
// `allow_multiple` (query_frontend.multi_tenant_queries_enabled), else InvalidArgument
// "multiple org IDs present".
Result<std::vector<std::string>> ResolveReadTenants(bool multitenancy,
                                                    std::optional<std::string_view> header,
                                                    bool allow_multiple);

}  // namespace vivace::model
