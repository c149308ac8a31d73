#include "backend/s3/s3_backend.h"

#include <time.h>

#include <algorithm>

#include <fmt/format.h>

#include "backend/remote/chunked_append_writer.h"
#include "backend/remote/crypto.h"
#include "backend/remote/errors.h"
#include "backend/remote/uri.h"
#include "backend/remote/xml.h"
#include "common/base64.h"
#include "common/logging.h"
#include "common/strconv.h"

namespace vivace::backend::s3 {
namespace {

constexpr std::string_view kStore = "s3";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
const std::string kEmptySha256 = remote::Sha256Hex("");

// S3 can answer 200 to CompleteMultipartUpload and still fail: the body is then an <Error>.
Status ErrorInBody(std::string_view op, std::string_view key, const remote::HttpResponse& r) {
  if (r.body.find("<Error>") == std::string::npos) {
    return Status::Ok();
  }
  remote::HttpResponse copy = r;
  copy.status = 500;
  return remote::HttpError(kStore, op, key, copy);
}

}  // namespace

S3Backend::S3Backend(S3Options options)
    : options_(std::move(options)), transport_(options_.transport) {
  std::string prefix = options_.prefix;
  while (!prefix.empty() && prefix.back() == '/') {
    prefix.pop_back();
  }
  while (!prefix.empty() && prefix.front() == '/') {
    prefix.erase(0, 1);
  }
  key_prefix_ = prefix.empty() ? "" : prefix + "/";
  std::string scheme = options_.insecure ? "http" : "https";
  if (options_.path_style) {
    host_ = options_.endpoint;
    base_url_ = fmt::format("{}://{}/{}", scheme, host_, remote::UriEncode(options_.bucket));
  } else {
    host_ = options_.bucket + "." + options_.endpoint;
    base_url_ = fmt::format("{}://{}", scheme, host_);
  }
}

S3Backend::~S3Backend() = default;

std::string S3Backend::FullKey(std::string_view key) const {
  return key_prefix_ + std::string(key);
}

std::string S3Backend::ObjectPath(std::string_view key) const {
  std::string path;
  if (options_.path_style) {
    path = "/" + remote::UriEncode(options_.bucket);
  }
  if (!key.empty()) {
    path += "/" + remote::UriEncode(FullKey(key), true);
  } else if (path.empty()) {
    path = "/";
  }
  return path;
}

Result<remote::HttpResponse> S3Backend::Send(const Call& call) {
  std::string path = ObjectPath(call.key);
  std::string url = fmt::format("{}://{}{}", options_.insecure ? "http" : "https", host_, path);
  if (!call.query.empty()) {
    url += "?" + remote::EncodeQuery(call.query);
  }
  std::string payload_hash;
  if (call.body.size() == 0) {
    payload_hash = kEmptySha256;
  } else if (options_.sign_payload) {
    payload_hash = remote::Sha256Hex(call.body.str());
  } else {
    payload_hash = std::string(kUnsignedPayload);
  }
  return remote::WithRetries(options_.retry, [&]() -> Result<remote::HttpResponse> {
    remote::HttpRequest req;
    req.method = call.method;
    req.url = url;
    req.body = call.body;
    req.headers = call.headers;
    std::string amz_date = AmzDate(time(nullptr));
    req.headers.emplace_back("Host", host_);
    req.headers.emplace_back("x-amz-date", amz_date);
    req.headers.emplace_back("x-amz-content-sha256", payload_hash);
    if (!options_.credentials.session_token.empty()) {
      req.headers.emplace_back("x-amz-security-token", options_.credentials.session_token);
    }
    if (!options_.credentials.access_key.empty()) {
      SigV4Request sig{call.method, path, &call.query, &req.headers, payload_hash};
      std::string auth =
          SigV4Authorization(sig, options_.credentials, options_.region, "s3", amz_date);
      req.headers.emplace_back("Authorization", std::move(auth));
    }
    return transport_.Do(req);
  });
}

void S3Backend::AddWriteHeaders(remote::Headers* headers) const {
  if (!options_.storage_class.empty()) {
    headers->emplace_back("x-amz-storage-class", options_.storage_class);
  }
  for (const auto& [k, v] : options_.metadata) {
    headers->emplace_back("x-amz-meta-" + k, v);
  }
  if (!options_.tags.empty()) {
    headers->emplace_back("x-amz-tagging", [&] {
      remote::QueryParams q(options_.tags.begin(), options_.tags.end());
      return remote::EncodeQuery(q);
    }());
  }
  if (options_.sse_type == "SSE-S3") {
    headers->emplace_back("x-amz-server-side-encryption", "AES256");
  } else if (options_.sse_type == "SSE-KMS") {
    headers->emplace_back("x-amz-server-side-encryption", "aws:kms");
    if (!options_.sse_kms_key_id.empty()) {
      headers->emplace_back("x-amz-server-side-encryption-aws-kms-key-id", options_.sse_kms_key_id);
    }
    if (!options_.sse_kms_encryption_context.empty()) {
      headers->emplace_back("x-amz-server-side-encryption-context",
                            Base64Encode(ByteView(options_.sse_kms_encryption_context)));
    }
  }
}

Result<std::string> S3Backend::Read(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send({.method = "GET", .key = std::string(key)}));
  if (r.status != 200) {
    return remote::HttpError(kStore, "GET", key, r);
  }
  return std::move(r.body);
}

Result<std::string> S3Backend::ReadRange(std::string_view key, uint64_t offset, uint64_t length) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  if (length == 0 || length > UINT64_MAX - offset) {
    // No HTTP range can say "nothing" or overflow: check the bounds against the size.
    VV_ASSIGN_OR_RETURN(uint64_t size, Size(key));
    VV_RETURN_IF_ERROR(CheckRange(key, offset, length, size));
    return std::string();
  }
  Call call{.method = "GET", .key = std::string(key)};
  call.headers.emplace_back("Range", fmt::format("bytes={}-{}", offset, offset + length - 1));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send(call));
  return remote::RangeFromResponse(kStore, key, offset, length, std::move(r));
}

Result<uint64_t> S3Backend::Size(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send({.method = "HEAD", .key = std::string(key)}));
  if (r.status != 200) {
    return remote::HttpError(kStore, "HEAD", key, r);
  }
  Result<uint64_t> size = ParseUint64(r.Header("content-length"));
  if (!size.ok()) {
    return Status::Internal(fmt::format("s3 HEAD {}: no content-length in the answer", key));
  }
  return *size;
}

Status S3Backend::Write(std::string_view key, ByteView data) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  Call call{.method = "PUT", .key = std::string(key), .body = data};
  AddWriteHeaders(&call.headers);
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send(call));
  if (r.status != 200) {
    return remote::HttpError(kStore, "PUT", key, r);
  }
  return Status::Ok();
}

Status S3Backend::Delete(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send({.method = "DELETE", .key = std::string(key)}));
  if (r.status != 204 && r.status != 200 && r.status != 404) {
    return remote::HttpError(kStore, "DELETE", key, r);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> S3Backend::List(std::string_view prefix) {
  VV_RETURN_IF_ERROR(ValidatePrefix(prefix));
  std::string full = key_prefix_ + std::string(prefix);
  if (!prefix.empty()) {
    full += "/";
  }
  std::vector<std::string> names;
  std::string token;
  for (int page = 0;; ++page) {
    Call call{.method = "GET"};
    call.query = {{"list-type", "2"}, {"delimiter", "/"}, {"prefix", full}};
    if (!token.empty()) {
      call.query.emplace_back("continuation-token", token);
    }
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send(call));
    if (r.status != 200) {
      return remote::HttpError(kStore, "list", prefix.empty() ? "/" : prefix, r);
    }
    Result<remote::XmlElement> doc = remote::ParseXml(r.body);
    if (!doc.ok()) {
      return Status::Internal(
          fmt::format("s3 list {}: bad ListObjectsV2 answer: {}", prefix, doc.status().message()));
    }
    for (const remote::XmlElement& el : doc->children) {
      std::string_view name;
      if (el.name == "Contents") {
        name = el.ChildText("Key");
      } else if (el.name == "CommonPrefixes") {
        name = el.ChildText("Prefix");
      } else {
        continue;
      }
      if (!name.starts_with(full)) {
        continue;
      }
      name.remove_prefix(full.size());
      if (!name.empty() && name.back() == '/') {
        name.remove_suffix(1);
      }
      if (!name.empty() && name.find('/') == std::string_view::npos) {
        names.emplace_back(name);
      }
    }
    token = std::string(doc->ChildText("NextContinuationToken"));
    if (doc->ChildText("IsTruncated") != "true" || token.empty()) {
      break;
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Status S3Backend::CreateBucket() {
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send({.method = "PUT"}));
  if (r.status == 200 || r.status == 409) {  // 409 BucketAlreadyOwnedByYou
    return Status::Ok();
  }
  return remote::HttpError(kStore, "create bucket", options_.bucket, r);
}

// A multipart upload, started lazily when the first part fills.
class S3AppendWriter final : public remote::ChunkedAppendWriter {
 public:
  S3AppendWriter(S3Backend* backend, std::string key)
      : ChunkedAppendWriter(kStore, std::move(key), backend->options_.part_size),
        backend_(backend) {}

  ~S3AppendWriter() override {
    if (!closed() && !upload_id_.empty()) {
      // Best effort: stores without abort (s3rver) or lifecycle rules clean up the rest.
      S3Backend::Call call{.method = "DELETE", .key = key(), .query = {{"uploadId", upload_id_}}};
      auto r = backend_->Send(call);
      if (r.ok() && r->status != 204 && r->status != 200) {
        VV_DEBUG("s3: abort multipart upload refused", {"key", key()}, {"status", r->status});
      }
    }
  }

  S3AppendWriter(const S3AppendWriter&) = delete;
  S3AppendWriter& operator=(const S3AppendWriter&) = delete;
  S3AppendWriter(S3AppendWriter&&) = delete;
  S3AppendWriter& operator=(S3AppendWriter&&) = delete;

 private:
  Status WriteWhole(ByteView data) override { return backend_->Write(key(), data); }

  Status SendChunk(ByteView part) override {
    if (upload_id_.empty()) {
      VV_RETURN_IF_ERROR(Start());
    }
    S3Backend::Call call{
        .method = "PUT",
        .key = key(),
        .query = {{"partNumber", std::to_string(etags_.size() + 1)}, {"uploadId", upload_id_}},
        .body = part};
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r, backend_->Send(call));
    if (r.status != 200) {
      return remote::HttpError(kStore, "upload part", key(), r);
    }
    std::string_view etag = r.Header("etag");
    if (etag.empty()) {
      return Status::Internal(fmt::format("s3 upload part {}: no ETag in the answer", key()));
    }
    etags_.emplace_back(etag);
    return Status::Ok();
  }

  Status Finish(ByteView rest) override {
    if (rest.size() > 0) {
      VV_RETURN_IF_ERROR(SendChunk(rest));
    }
    std::string xml = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags_.size(); ++i) {
      xml +=
          fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, etags_[i]);
    }
    xml += "</CompleteMultipartUpload>";
    S3Backend::Call call{
        .method = "POST", .key = key(), .query = {{"uploadId", upload_id_}}, .body = ByteView(xml)};
    call.headers.emplace_back("Content-Type", "application/xml");
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r, backend_->Send(call));
    if (r.status != 200) {
      return remote::HttpError(kStore, "complete multipart upload", key(), r);
    }
    return ErrorInBody("complete multipart upload", key(), r);
  }

  Status Start() {
    S3Backend::Call call{.method = "POST", .key = key(), .query = {{"uploads", ""}}};
    backend_->AddWriteHeaders(&call.headers);
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r, backend_->Send(call));
    if (r.status != 200) {
      return remote::HttpError(kStore, "create multipart upload", key(), r);
    }
    Result<remote::XmlElement> doc = remote::ParseXml(r.body);
    if (!doc.ok() || doc->ChildText("UploadId").empty()) {
      return Status::Internal(
          fmt::format("s3 create multipart upload {}: no UploadId in the answer", key()));
    }
    upload_id_ = std::string(doc->ChildText("UploadId"));
    return Status::Ok();
  }

  S3Backend* backend_;
  std::string upload_id_;
  std::vector<std::string> etags_;
};

Result<std::unique_ptr<AppendWriter>> S3Backend::Append(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  return std::unique_ptr<AppendWriter>(std::make_unique<S3AppendWriter>(this, std::string(key)));
}

}  // namespace vivace::backend::s3
