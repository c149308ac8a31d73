#include "model/tenant.h"

#include <gtest/gtest.h>

namespace vivace::model {
namespace {

TEST(TenantTest, SingleTenantWhenMultitenancyOff) {
  EXPECT_EQ(*ResolveWriteTenant(false, std::nullopt), "single-tenant");
  EXPECT_EQ(*ResolveWriteTenant(false, "anything/goes"), "single-tenant");
}

TEST(TenantTest, WriteRules) {
  EXPECT_EQ(ResolveWriteTenant(true, std::nullopt).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(ResolveWriteTenant(true, "").status().message(), "no org id");
  EXPECT_EQ(*ResolveWriteTenant(true, "team-a"), "team-a");
  EXPECT_EQ(*ResolveWriteTenant(true, "team-a:env=prod"), "team-a");
  EXPECT_EQ(*ResolveWriteTenant(true, "a|a"), "a");
  EXPECT_EQ(ResolveWriteTenant(true, "a|b").status().message(), "multiple org IDs present");
  EXPECT_EQ(ResolveWriteTenant(true, "a/b").status().message(),
            "tenant ID 'a/b' contains unsupported character '/'");
  EXPECT_EQ(ResolveWriteTenant(true, std::string(151, 'x')).status().message(),
            "tenant ID is too long: max 150 characters");
  EXPECT_FALSE(ResolveWriteTenant(true, "..").ok());
}

TEST(TenantTest, ReadRules) {
  auto t = ResolveReadTenants(true, "b|a|b", true);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ResolveReadTenants(true, "b|a", false).status().message(), "multiple org IDs present");
}

}  // namespace
}  // namespace vivace::model
