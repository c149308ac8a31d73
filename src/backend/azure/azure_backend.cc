#include "backend/azure/azure_backend.h"

#include <time.h>

#include <algorithm>

#include <fmt/format.h>

#include "backend/azure/shared_key.h"
#include "backend/remote/chunked_append_writer.h"
#include "backend/remote/errors.h"
#include "backend/remote/xml.h"
#include "common/base64.h"
#include "common/logging.h"
#include "common/strconv.h"

namespace vivace::backend::azure {
namespace {

constexpr std::string_view kStore = "azure";
constexpr std::string_view kApiVersion = "2021-08-06";

}  // namespace

AzureBackend::AzureBackend(AzureOptions options)
    : options_(std::move(options)), transport_(options_.transport) {
  std::string prefix = options_.prefix;
  while (!prefix.empty() && prefix.back() == '/') {
    prefix.pop_back();
  }
  while (!prefix.empty() && prefix.front() == '/') {
    prefix.erase(0, 1);
  }
  key_prefix_ = prefix.empty() ? "" : prefix + "/";
  if (options_.endpoint_suffix.starts_with("blob.")) {
    base_url_ = fmt::format("https://{}.{}", options_.account, options_.endpoint_suffix);
  } else {
    base_url_ = "http://" + options_.endpoint_suffix;
    account_path_ = "/" + options_.account;
  }
}

AzureBackend::~AzureBackend() = default;

Result<remote::HttpResponse> AzureBackend::Send(const Call& call) {
  std::string path = account_path_ + "/" + remote::UriEncode(options_.container);
  if (!call.key.empty()) {
    path += "/" + remote::UriEncode(key_prefix_ + call.key, true);
  }
  std::string url = base_url_ + path;
  if (!call.query.empty()) {
    url += "?" + remote::EncodeQuery(call.query);
  }
  const bool use_sas = options_.account_key.empty() && !options_.sas_token.empty();
  if (use_sas) {
    // The token is already percent-encoded by whoever issued it: appended as is.
    std::string_view sas = options_.sas_token;
    if (sas.starts_with('?')) {
      sas.remove_prefix(1);
    }
    url += (call.query.empty() ? "?" : "&") + std::string(sas);
  }
  return remote::WithRetries(options_.retry, [&]() -> Result<remote::HttpResponse> {
    remote::HttpRequest req;
    req.method = call.method;
    req.url = url;
    req.body = call.body;
    req.headers = call.headers;
    req.headers.emplace_back("x-ms-date", Rfc1123Date(time(nullptr)));
    req.headers.emplace_back("x-ms-version", std::string(kApiVersion));
    if (call.method == "PUT" || call.method == "POST") {
      req.headers.emplace_back("Content-Length", std::to_string(call.body.size()));
    }
    if (use_sas) {
      return transport_.Do(req);
    }
    std::string to_sign =
        SharedKeyStringToSign(call.method, options_.account, path, call.query, req.headers);
    VV_ASSIGN_OR_RETURN(std::string auth,
                        SharedKeyAuthorization(options_.account, options_.account_key, to_sign));
    req.headers.emplace_back("Authorization", std::move(auth));
    return transport_.Do(req);
  });
}

Result<std::string> AzureBackend::Read(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send({.method = "GET", .key = std::string(key)}));
  if (r.status != 200) {
    return remote::HttpError(kStore, "GET", key, r);
  }
  return std::move(r.body);
}

Result<std::string> AzureBackend::ReadRange(std::string_view key, uint64_t offset,
                                            uint64_t length) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  if (length == 0 || length > UINT64_MAX - offset) {
    VV_ASSIGN_OR_RETURN(uint64_t size, Size(key));
    VV_RETURN_IF_ERROR(CheckRange(key, offset, length, size));
    return std::string();
  }
  Call call{.method = "GET", .key = std::string(key)};
  call.headers.emplace_back("x-ms-range", fmt::format("bytes={}-{}", offset, offset + length - 1));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send(call));
  return remote::RangeFromResponse(kStore, key, offset, length, std::move(r));
}

Result<uint64_t> AzureBackend::Size(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send({.method = "HEAD", .key = std::string(key)}));
  if (r.status != 200) {
    return remote::HttpError(kStore, "HEAD", key, r);
  }
  Result<uint64_t> size = ParseUint64(r.Header("content-length"));
  if (!size.ok()) {
    return Status::Internal(fmt::format("azure HEAD {}: no content-length in the answer", key));
  }
  return *size;
}

Status AzureBackend::Write(std::string_view key, ByteView data) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  Call call{.method = "PUT", .key = std::string(key), .body = data};
  call.headers.emplace_back("x-ms-blob-type", "BlockBlob");
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send(call));
  if (r.status != 201) {
    return remote::HttpError(kStore, "PUT", key, r);
  }
  return Status::Ok();
}

Status AzureBackend::Delete(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send({.method = "DELETE", .key = std::string(key)}));
  if (r.status != 202 && r.status != 200 && r.status != 404) {
    return remote::HttpError(kStore, "DELETE", key, r);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> AzureBackend::List(std::string_view prefix) {
  VV_RETURN_IF_ERROR(ValidatePrefix(prefix));
  std::string full = key_prefix_ + std::string(prefix);
  if (!prefix.empty()) {
    full += "/";
  }
  std::vector<std::string> names;
  std::string marker;
  while (true) {
    Call call{.method = "GET"};
    call.query = {{"restype", "container"},
                  {"comp", "list"},
                  {"delimiter", "/"},
                  {"maxresults", std::to_string(options_.list_page_size)}};
    if (!full.empty()) {
      call.query.emplace_back("prefix", full);
    }
    if (!marker.empty()) {
      call.query.emplace_back("marker", marker);
    }
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send(call));
    if (r.status != 200) {
      return remote::HttpError(kStore, "list", prefix.empty() ? "/" : prefix, r);
    }
    Result<remote::XmlElement> doc = remote::ParseXml(r.body);
    if (!doc.ok()) {
      return Status::Internal(
          fmt::format("azure list {}: bad List Blobs answer: {}", prefix, doc.status().message()));
    }
    if (const remote::XmlElement* blobs = doc->Child("Blobs"); blobs != nullptr) {
      for (const remote::XmlElement& el : blobs->children) {
        if (el.name != "Blob" && el.name != "BlobPrefix") {
          continue;
        }
        std::string_view name = el.ChildText("Name");
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
    }
    marker = std::string(doc->ChildText("NextMarker"));
    if (marker.empty()) {
      break;
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Status AzureBackend::CreateContainer() {
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r,
                      Send({.method = "PUT", .query = {{"restype", "container"}}}));
  if (r.status == 201 || r.status == 409) {
    return Status::Ok();
  }
  return remote::HttpError(kStore, "create container", options_.container, r);
}

// Stages blocks as they fill and commits the list at Close.
class AzureAppendWriter final : public remote::ChunkedAppendWriter {
 public:
  AzureAppendWriter(AzureBackend* backend, std::string key)
      : ChunkedAppendWriter(kStore, std::move(key), backend->options_.block_size),
        backend_(backend) {}

 private:
  Status WriteWhole(ByteView data) override { return backend_->Write(key(), data); }

  Status SendChunk(ByteView block) override {
    // Block IDs of one blob must all have the same length.
    std::string id = Base64Encode(ByteView(fmt::format("vv-block-{:08}", block_ids_.size())));
    AzureBackend::Call call{.method = "PUT",
                            .key = key(),
                            .query = {{"comp", "block"}, {"blockid", id}},
                            .body = block};
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r, backend_->Send(call));
    if (r.status != 201) {
      return remote::HttpError(kStore, "put block", key(), r);
    }
    block_ids_.push_back(std::move(id));
    return Status::Ok();
  }

  Status Finish(ByteView rest) override {
    if (rest.size() > 0) {
      VV_RETURN_IF_ERROR(SendChunk(rest));
    }
    std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
    for (const std::string& id : block_ids_) {
      xml += "<Latest>" + id + "</Latest>";
    }
    xml += "</BlockList>";
    AzureBackend::Call call{
        .method = "PUT", .key = key(), .query = {{"comp", "blocklist"}}, .body = ByteView(xml)};
    call.headers.emplace_back("Content-Type", "application/xml");
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r, backend_->Send(call));
    if (r.status != 201) {
      return remote::HttpError(kStore, "put block list", key(), r);
    }
    return Status::Ok();
  }

  AzureBackend* backend_;
  std::vector<std::string> block_ids_;
};

Result<std::unique_ptr<AppendWriter>> AzureBackend::Append(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  return std::unique_ptr<AppendWriter>(std::make_unique<AzureAppendWriter>(this, std::string(key)));
}

}  // namespace vivace::backend::azure
