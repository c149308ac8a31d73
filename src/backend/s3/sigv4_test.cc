// SigV4 against AWS's published examples: the "Signature Version 4 test suite" (credentials
// AKIDEXAMPLE, 2015-08-30, service "service") and the worked examples of the S3 API reference
// (examplebucket, AKIAIOSFODNN7EXAMPLE, 2013-05-24).

#include "backend/s3/sigv4.h"

#include <gtest/gtest.h>

#include "backend/remote/crypto.h"

namespace vivace::backend::s3 {
namespace {

const AwsCredentials kSuiteCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const AwsCredentials kS3Creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              ""};
constexpr std::string_view kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string SignatureOf(const std::string& auth) { return auth.substr(auth.rfind('=') + 1); }

TEST(SigV4Test, SuiteGetVanilla) {
  remote::QueryParams q;
  remote::Headers h{{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  SigV4Request req{"GET", "/", &q, &h, kEmptyHash};
  std::string signed_headers;
  EXPECT_EQ(CanonicalRequest(req, &signed_headers),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
                + std::string(kEmptyHash));
  std::string auth =
      SigV4Authorization(req, kSuiteCreds, "us-east-1", "service", "20150830T123600Z");
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Test, SuiteQueryOrderAndKeyCase) {
  remote::QueryParams q{{"Param2", "value2"}, {"Param1", "value1"}};
  remote::Headers h{{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  SigV4Request req{"GET", "/", &q, &h, kEmptyHash};
  EXPECT_EQ(
      SignatureOf(SigV4Authorization(req, kSuiteCreds, "us-east-1", "service", "20150830T123600Z")),
      "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4Test, SuitePostVanilla) {
  remote::QueryParams q;
  remote::Headers h{{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  SigV4Request req{"POST", "/", &q, &h, kEmptyHash};
  EXPECT_EQ(
      SignatureOf(SigV4Authorization(req, kSuiteCreds, "us-east-1", "service", "20150830T123600Z")),
      "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4Test, S3GetObjectWithRange) {
  remote::QueryParams q;
  remote::Headers h{{"Host", "examplebucket.s3.amazonaws.com"},
                    {"Range", "bytes=0-9"},
                    {"x-amz-content-sha256", std::string(kEmptyHash)},
                    {"x-amz-date", "20130524T000000Z"}};
  SigV4Request req{"GET", "/test.txt", &q, &h, kEmptyHash};
  EXPECT_EQ(SigV4Authorization(req, kS3Creds, "us-east-1", "s3", "20130524T000000Z"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, S3PutObject) {
  std::string body = "Welcome to Amazon S3.";
  std::string hash = remote::Sha256Hex(body);
  EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  remote::QueryParams q;
  remote::Headers h{{"Host", "examplebucket.s3.amazonaws.com"},
                    {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                    {"x-amz-date", "20130524T000000Z"},
                    {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                    {"x-amz-content-sha256", hash}};
  std::string uri = "/" + remote::UriEncode("test$file.text", true);
  EXPECT_EQ(uri, "/test%24file.text");
  SigV4Request req{"PUT", uri, &q, &h, hash};
  EXPECT_EQ(SignatureOf(SigV4Authorization(req, kS3Creds, "us-east-1", "s3", "20130524T000000Z")),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4Test, S3GetBucketLifecycleWithEmptyValueParam) {
  remote::QueryParams q{{"lifecycle", ""}};
  remote::Headers h{{"Host", "examplebucket.s3.amazonaws.com"},
                    {"x-amz-date", "20130524T000000Z"},
                    {"x-amz-content-sha256", std::string(kEmptyHash)}};
  SigV4Request req{"GET", "/", &q, &h, kEmptyHash};
  EXPECT_EQ(SignatureOf(SigV4Authorization(req, kS3Creds, "us-east-1", "s3", "20130524T000000Z")),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4Test, S3ListObjects) {
  remote::QueryParams q{{"prefix", "J"}, {"max-keys", "2"}};
  remote::Headers h{{"Host", "examplebucket.s3.amazonaws.com"},
                    {"x-amz-date", "20130524T000000Z"},
                    {"x-amz-content-sha256", std::string(kEmptyHash)}};
  SigV4Request req{"GET", "/", &q, &h, kEmptyHash};
  EXPECT_EQ(SignatureOf(SigV4Authorization(req, kS3Creds, "us-east-1", "s3", "20130524T000000Z")),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Test, HeaderValuesAreTrimmedAndQueryValuesEncoded) {
  remote::QueryParams q{{"prefix", "a b/c"}, {"list-type", "2"}};
  remote::Headers h{{"Host", "h"}, {"X-Amz-Meta-X", "  a   b  "}, {"x-amz-date", "d"}};
  SigV4Request req{"GET", "/bucket", &q, &h, "UNSIGNED-PAYLOAD"};
  std::string signed_headers;
  EXPECT_EQ(CanonicalRequest(req, &signed_headers),
            "GET\n/bucket\nlist-type=2&prefix=a%20b%2Fc\nhost:h\nx-amz-date:d\nx-amz-meta-x:a b\n\n"
            "host;x-amz-date;x-amz-meta-x\nUNSIGNED-PAYLOAD");
}

TEST(SigV4Test, AmzDate) {
  EXPECT_EQ(AmzDate(1369353600), "20130524T000000Z");
  EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z");
}

}  // namespace
}  // namespace vivace::backend::s3
