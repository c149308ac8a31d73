// The Shared Key string to sign, field by field (Azurite checks real signatures in the
// conformance suite; this pins the layout the service documents).

#include "backend/azure/shared_key.h"

#include <gtest/gtest.h>

namespace vivace::backend::azure {
namespace {

TEST(SharedKeyTest, StringToSignLayout) {
  remote::Headers h{{"x-ms-version", "2021-08-06"},
                    {"Content-Length", "11"},
                    {"x-ms-date", "Tue, 25 Nov 2026 02:42:29 GMT"},
                    {"Content-Type", "application/xml"},
                    {"x-ms-blob-type", " BlockBlob "},
                    {"x-ms-range", "bytes=0-9"}};
  remote::QueryParams q{{"restype", "container"}, {"comp", "list"}, {"Prefix", "a/b"}};
  EXPECT_EQ(SharedKeyStringToSign("PUT", "acct", "/acct/c/b", q, h),
            "PUT\n\n\n11\n\napplication/xml\n\n\n\n\n\n\n"
            "x-ms-blob-type:BlockBlob\nx-ms-date:Tue, 25 Nov 2026 02:42:29 GMT\n"
            "x-ms-range:bytes=0-9\nx-ms-version:2021-08-06\n"
            "/acct/acct/c/b\ncomp:list\nprefix:a/b\nrestype:container");
}

TEST(SharedKeyTest, ZeroContentLengthIsSignedEmpty) {
  remote::Headers h{{"Content-Length", "0"}, {"x-ms-date", "d"}};
  EXPECT_EQ(SharedKeyStringToSign("DELETE", "a", "/c/b", {}, h),
            "DELETE\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:d\n/a/c/b");
}

TEST(SharedKeyTest, AuthorizationHeader) {
  auto auth = SharedKeyAuthorization("acct", "a2V5", "x");  // key "key"
  ASSERT_TRUE(auth.ok());
  // HMAC-SHA256("key", "x") in base64.
  EXPECT_EQ(*auth, "SharedKey acct:T8O36vNNfllKb1HZUXulQ6v0EGeydYf/2CujWE5NPN0=");
  EXPECT_EQ(SharedKeyAuthorization("acct", "!!!", "x").status().code(), Code::kInvalidArgument);
}

TEST(SharedKeyTest, Rfc1123Date) {
  EXPECT_EQ(Rfc1123Date(1369353600), "Fri, 24 May 2013 00:00:00 GMT");
}

}  // namespace
}  // namespace vivace::backend::azure
