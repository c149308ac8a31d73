#pragma once

// The object-store servers of the backend tests, shared by all tests of a ctest run: s3rver
// behind the SigV4-checking proxy (tests/e2e/objstore/sigv4-proxy.mjs) and Azurite. A ctest
// fixture starts them once (tests/e2e/objstore/peers.sh) and leaves their ports in peers.env;
// a test binary run by hand starts them itself and stops them at exit. When the npm packages
// could not be installed, Get() says why and the tests skip.

#include <string>

#include "common/status.h"

namespace vivace::testing {

struct ObjectStorePeers {
  int s3_port = 0;       // the SigV4-checking proxy (use this one)
  int s3rver_port = 0;   // s3rver itself (accepts any signature)
  int azurite_port = 0;  // Azurite blob service
  int gcs_port = 0;      // gcp-storage-emulator (0 when it could not be installed)
  std::string dir;       // where node_modules and the proxy are

  // The peers, or Unavailable with the reason (for GTEST_SKIP).
  static const Result<ObjectStorePeers>& Get();

  // s3rver's fixed credentials and Azurite's development account.
  static constexpr const char* kS3AccessKey = "S3RVER";
  static constexpr const char* kS3SecretKey = "S3RVER";
  static constexpr const char* kAzureAccount = "devstoreaccount1";
  static constexpr const char* kAzureKey =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/"
      "KBHBeksoGMGw==";
};

// A name unique within this machine and run, usable as a bucket or container name
// (lower-case letters, digits and '-', 3-63 characters).
std::string UniqueBucketName(const std::string& hint);

}  // namespace vivace::testing
