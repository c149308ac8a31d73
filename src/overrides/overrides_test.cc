#include "overrides/overrides.h"

#include <gtest/gtest.h>

namespace vivace::overrides {
namespace {

TEST(OverridesTest, TenantEntryReplacesDefaultsWholesale) {
  config::OverridesConfig cfg;
  cfg.defaults.ingestion_rate_limit_bytes = 100;
  cfg.defaults.ingestion_rate_strategy = "global";
  config::Limits a;
  a.ingestion_burst_size_bytes = 7;
  a.ingestion_rate_limit_bytes = 0;
  cfg.per_tenant["a"] = a;
  config::Limits star;
  star.ingestion_rate_limit_bytes = 5;
  cfg.per_tenant["*"] = star;
  Overrides o(cfg);
  EXPECT_EQ(o.ForTenant("a")->ingestion_burst_size_bytes, 7);
  EXPECT_EQ(o.ForTenant("a")->ingestion_rate_limit_bytes, 0);
  EXPECT_EQ(o.ForTenant("a")->ingestion_rate_strategy, "global");
  EXPECT_EQ(o.ForTenant("zzz")->ingestion_rate_limit_bytes, 5);
  o.Replace({});
  EXPECT_EQ(o.ForTenant("zzz")->ingestion_rate_limit_bytes, 100);
}

}  // namespace
}  // namespace vivace::overrides
