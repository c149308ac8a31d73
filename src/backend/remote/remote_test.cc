// Unit tests of the object-store plumbing: URI encoding, the XML reader, hashes, error mapping
// and retries (the transport itself is exercised against real servers by the conformance suite).

#include <gtest/gtest.h>

#include "backend/remote/crypto.h"
#include "backend/remote/errors.h"
#include "backend/remote/retry.h"
#include "backend/remote/uri.h"
#include "backend/remote/xml.h"
#include "common/hex.h"

namespace vivace::backend::remote {
namespace {

TEST(UriTest, EncodesAllButUnreserved) {
  EXPECT_EQ(UriEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(UriEncode("a b/c+d=e&f"), "a%20b%2Fc%2Bd%3De%26f");
  EXPECT_EQ(UriEncode("t/b/meta.json", true), "t/b/meta.json");
  EXPECT_EQ(UriEncode("\xc3\xa9\x00x", false).substr(0, 6), "%C3%A9");
  EXPECT_EQ(EncodeQuery({{"list-type", "2"}, {"prefix", "t/"}, {"uploads", ""}}),
            "list-type=2&prefix=t%2F&uploads=");
}

TEST(UriTest, Decodes) {
  std::string out;
  ASSERT_TRUE(UriDecode("a%20b%2fc+", &out));
  EXPECT_EQ(out, "a b/c+");
  EXPECT_FALSE(UriDecode("%", &out));
  EXPECT_FALSE(UriDecode("%4", &out));
  EXPECT_FALSE(UriDecode("%zz", &out));
}

TEST(UriTest, SplitUrl) {
  UrlParts p;
  ASSERT_TRUE(SplitUrl("http://127.0.0.1:9000/bucket/key?x=1", &p));
  EXPECT_EQ(p.scheme, "http");
  EXPECT_EQ(p.host, "127.0.0.1:9000");
  EXPECT_EQ(p.path, "/bucket/key?x=1");
  EXPECT_FALSE(SplitUrl("ftp://x/", &p));
  EXPECT_FALSE(SplitUrl("http:///x", &p));
}

TEST(XmlTest, ParsesListResultIgnoringNamespaces) {
  auto doc = ParseXml(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://doc.s3.amazonaws.com/2006-03-01/">
  <Name>b</Name><IsTruncated>true</IsTruncated>
  <Contents><Key>t/a&amp;b &lt;&#x41;&#66;&gt;</Key><Size>3</Size></Contents>
  <CommonPrefixes><Prefix><![CDATA[t/x<y]]></Prefix></CommonPrefixes>
  <s3:Empty/>
</ListBucketResult>)");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->name, "ListBucketResult");
  EXPECT_EQ(doc->ChildText("IsTruncated"), "true");
  ASSERT_NE(doc->Child("Contents"), nullptr);
  EXPECT_EQ(doc->Child("Contents")->ChildText("Key"), "t/a&b <AB>");
  EXPECT_EQ(doc->Child("CommonPrefixes")->ChildText("Prefix"), "t/x<y");
  EXPECT_NE(doc->Child("Empty"), nullptr);
  EXPECT_EQ(doc->Child("Missing"), nullptr);
  EXPECT_EQ(doc->ChildText("Missing"), "");
}

TEST(XmlTest, RejectsMalformedInput) {
  for (std::string_view bad :
       {"", "text", "<a>", "<a></b>", "<a><b></a>", "<a>&bogus;</a>", "<a>&#xZZ;</a>",
        "<a>&#99999999;</a>", "<a x=1></a>", "<a><![CDATA[x</a>", "<a/><b/>", "<a", "<>",
        "<a>&amp</a>", "<:/>", "<a:></a:>"}) {
    EXPECT_EQ(ParseXml(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(XmlTest, DepthAndSizeLimits) {
  std::string deep;
  for (int i = 0; i < 100; ++i) {
    deep += "<a>";
  }
  for (int i = 0; i < 100; ++i) {
    deep += "</a>";
  }
  EXPECT_EQ(ParseXml(deep).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(ParseXml(deep, {.max_depth = 200}).ok());
  EXPECT_EQ(ParseXml("<a><b/><b/><b/></a>", {.max_elements = 3}).status().code(),
            Code::kInvalidArgument);
}

TEST(CryptoTest, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(ByteView(Md5(""))), "d41d8cd98f00b204e9800998ecf8427e");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(ByteView(HmacSha256("Jefe", "what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(RsaSha256Sign("not a key", "x").status().code(), Code::kInvalidArgument);
}

TEST(ErrorsTest, MapsStatusAndKeepsStoreDetail) {
  HttpResponse r;
  r.status = 403;
  r.body = "<Error><Code>SignatureDoesNotMatch</Code><Message>bad signature</Message></Error>";
  Status s = HttpError("s3", "GET", "t/b/meta.json", r);
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_EQ(s.message(), "s3 GET t/b/meta.json: http 403 SignatureDoesNotMatch: bad signature");
  r.status = 404;
  r.body.clear();
  EXPECT_EQ(HttpError("azure", "HEAD", "k", r).code(), Code::kNotFound);
  r.status = 503;
  r.body = R"({"error":{"code":503,"message":"backend busy"}})";
  Status g = HttpError("gcs", "GET", "k", r);
  EXPECT_EQ(g.code(), Code::kUnavailable);
  EXPECT_EQ(g.message(), "gcs GET k: http 503 backend busy");
  r.status = 416;
  EXPECT_EQ(HttpError("s3", "GET", "k", r).code(), Code::kOutOfRange);
}

TEST(ErrorsTest, RangeFromResponse) {
  auto answer = [](int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  };
  EXPECT_EQ(*RangeFromResponse("s3", "k", 2, 3, answer(206, "cde")), "cde");
  // A server that ignores Range sends the whole object.
  EXPECT_EQ(*RangeFromResponse("s3", "k", 2, 3, answer(200, "abcdefg")), "cde");
  EXPECT_EQ(RangeFromResponse("s3", "k", 2, 9, answer(200, "abcdefg")).status().code(),
            Code::kOutOfRange);
  // Clipped at the end of the object, or refused.
  auto clipped = RangeFromResponse("gcs", "k", 5, 3, answer(206, "fg"));
  EXPECT_EQ(clipped.status().code(), Code::kOutOfRange);
  EXPECT_NE(clipped.status().message().find("gcs GET k: range [5, +3)"), std::string::npos);
  EXPECT_EQ(RangeFromResponse("azure", "k", 9, 1, answer(416, "")).status().code(),
            Code::kOutOfRange);
  EXPECT_EQ(RangeFromResponse("azure", "k", 0, 1, answer(404, "")).status().code(),
            Code::kNotFound);
}

TEST(RetryTest, RetriesOnlyRetryableResultsUpToTheLimit) {
  RetryPolicy p{.max_attempts = 3,
                .initial_backoff = std::chrono::microseconds(1),
                .max_backoff = std::chrono::microseconds(2)};
  int calls = 0;
  auto r = WithRetries(p, [&]() -> Result<HttpResponse> {
    ++calls;
    return Status::Unavailable("down");
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(r.status().code(), Code::kUnavailable);

  calls = 0;
  r = WithRetries(p, [&]() -> Result<HttpResponse> {
    ++calls;
    HttpResponse resp;
    resp.status = calls < 2 ? 503 : 200;
    return resp;
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(r->status, 200);

  calls = 0;
  r = WithRetries(p, [&]() -> Result<HttpResponse> {
    ++calls;
    HttpResponse resp;
    resp.status = 403;
    return resp;
  });
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace vivace::backend::remote
