// GCS service-account auth: the JWT assertion is well formed and its RS256 signature verifies
// with the account's public key; the token exchange posts it to token_uri (a local fake
// endpoint here, which checks the signature) and caches the access token. Google's own token
// endpoint is not reachable from tests.

#include "backend/gcs/gcs_auth.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "backend/remote/uri.h"
#include "common/base64.h"

namespace vivace::backend::gcs {
namespace {

struct Key {
  EVP_PKEY* pkey = EVP_RSA_gen(2048);

  ~Key() { EVP_PKEY_free(pkey); }

  std::string Pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(bio);
    return out;
  }

  bool Verify(std::string_view input, std::string_view sig) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok =
        EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1
        && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size())
               == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  }
};

std::string B64UrlDecode(std::string s) {
  for (char& c : s) {
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (s.size() % 4 != 0) {
    s.push_back('=');
  }
  std::string out;
  EXPECT_TRUE(Base64Decode(s, &out));
  return out;
}

// Checks an assertion: the claims, and the signature against `key`.
void CheckJwt(const Key& key, const std::string& jwt, const std::string& email,
              const std::string& aud) {
  size_t a = jwt.find('.');
  size_t b = jwt.rfind('.');
  ASSERT_NE(a, b);
  EXPECT_EQ(B64UrlDecode(jwt.substr(0, a)), R"({"alg":"RS256","typ":"JWT"})");
  std::string claims = B64UrlDecode(jwt.substr(a + 1, b - a - 1));
  EXPECT_NE(claims.find("\"iss\":\"" + email + "\""), std::string::npos) << claims;
  EXPECT_NE(claims.find("\"aud\":\"" + aud + "\""), std::string::npos) << claims;
  EXPECT_NE(claims.find("devstorage.read_write"), std::string::npos) << claims;
  EXPECT_TRUE(key.Verify(jwt.substr(0, b), B64UrlDecode(jwt.substr(b + 1))));
}

TEST(GcsAuthTest, ParsesServiceAccountKeyFiles) {
  auto a = ParseServiceAccount(
      R"({"type":"service_account","client_email":"x@p.iam.gserviceaccount.com",
          "private_key":"-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----\n",
          "token_uri":"http://127.0.0.1:1/token"})");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->client_email, "x@p.iam.gserviceaccount.com");
  EXPECT_EQ(a->token_uri, "http://127.0.0.1:1/token");
  EXPECT_EQ(ParseServiceAccount(R"({"type":"authorized_user"})").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ParseServiceAccount("{").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseServiceAccount(R"({"type":"service_account"})").status().code(),
            Code::kInvalidArgument);
}

TEST(GcsAuthTest, JwtAssertionIsSignedWithTheAccountKey) {
  Key key;
  ServiceAccount account{"svc@proj.iam.gserviceaccount.com", key.Pem(),
                         "https://oauth2.googleapis.com/token"};
  auto jwt = MakeJwtAssertion(account, "https://www.googleapis.com/auth/devstorage.read_write",
                              1700000000);
  ASSERT_TRUE(jwt.ok()) << jwt.status().ToString();
  CheckJwt(key, *jwt, account.client_email, account.token_uri);
  std::string claims =
      B64UrlDecode(jwt->substr(jwt->find('.') + 1, jwt->rfind('.') - jwt->find('.') - 1));
  EXPECT_NE(claims.find("\"iat\":1700000000,\"exp\":1700003600"), std::string::npos) << claims;
  account.private_key = "garbage";
  EXPECT_EQ(MakeJwtAssertion(account, "s", 1).status().code(), Code::kInvalidArgument);
}

// A one-shot token endpoint: checks the posted assertion and answers with a token.
class FakeTokenServer {
 public:
  FakeTokenServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 4);
    thread_ = std::thread([this] { Serve(); });
  }

  ~FakeTokenServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }

  FakeTokenServer(const FakeTokenServer&) = delete;
  FakeTokenServer& operator=(const FakeTokenServer&) = delete;

  int port() const { return port_; }

  std::atomic<int> requests{0};
  std::string last_assertion;

 private:
  void Serve() {
    while (true) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) {
        return;
      }
      std::string req;
      char buf[8192];
      size_t want = std::string::npos;
      while (req.size() < want) {
        ssize_t n = read(c, buf, sizeof(buf));
        if (n <= 0) {
          break;
        }
        req.append(buf, static_cast<size_t>(n));
        size_t end = req.find("\r\n\r\n");
        size_t cl = req.find("Content-Length: ");
        if (end != std::string::npos && cl != std::string::npos) {
          want = end + 4 + std::stoul(req.substr(cl + 16));
        }
      }
      ++requests;
      std::string body = req.substr(req.find("\r\n\r\n") + 4);
      size_t at = body.find("assertion=");
      std::string jwt = at == std::string::npos ? "" : body.substr(at + 10);
      last_assertion = jwt;
      bool ok = body.find("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")
                    != std::string::npos
                && jwt.rfind('.') != std::string::npos;
      std::string resp_body =
          ok ? R"({"access_token":"tok-1","expires_in":3599,"token_type":"Bearer"})"
             : R"({"error":"invalid_grant"})";
      std::string resp = std::string(ok ? "HTTP/1.1 200 OK" : "HTTP/1.1 400 Bad Request")
                         + "\r\nContent-Type: application/json\r\nContent-Length: "
                         + std::to_string(resp_body.size()) + "\r\nConnection: close\r\n\r\n"
                         + resp_body;
      ssize_t w = write(c, resp.data(), resp.size());
      (void)w;
      close(c);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(GcsAuthTest, ExchangesTheAssertionForACachedToken) {
  Key key;
  FakeTokenServer server;
  std::string uri = "http://127.0.0.1:" + std::to_string(server.port()) + "/token";
  remote::HttpTransport transport({});
  TokenSource tokens({"svc@proj.iam.gserviceaccount.com", key.Pem(), uri}, &transport);
  auto t = tokens.Token();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, "tok-1");
  EXPECT_EQ(*tokens.Token(), "tok-1");
  EXPECT_EQ(server.requests.load(), 1);  // cached until shortly before it expires
  CheckJwt(key, server.last_assertion, "svc@proj.iam.gserviceaccount.com", uri);
}

}  // namespace
}  // namespace vivace::backend::gcs
