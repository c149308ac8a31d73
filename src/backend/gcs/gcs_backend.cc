#include "backend/gcs/gcs_backend.h"

#include <simdjson.h>

#include <algorithm>

#include <fmt/format.h>

#include "backend/remote/chunked_append_writer.h"
#include "backend/remote/crypto.h"
#include "backend/remote/errors.h"
#include "backend/remote/uri.h"
#include "common/logging.h"
#include "common/strconv.h"

namespace vivace::backend::gcs {
namespace {

constexpr std::string_view kStore = "gcs";
constexpr uint64_t kChunkUnit = 256 * 1024;

}  // namespace

GcsBackend::GcsBackend(GcsOptions options)
    : options_(std::move(options)), transport_(options_.transport) {
  std::string prefix = options_.prefix;
  while (!prefix.empty() && prefix.back() == '/') {
    prefix.pop_back();
  }
  while (!prefix.empty() && prefix.front() == '/') {
    prefix.erase(0, 1);
  }
  key_prefix_ = prefix.empty() ? "" : prefix + "/";
  remote::UrlParts parts;
  if (remote::SplitUrl(options_.endpoint, &parts)) {
    options_.endpoint = parts.scheme + "://" + parts.host;
  }
  options_.chunk_size = std::max(kChunkUnit, options_.chunk_size / kChunkUnit * kChunkUnit);
  if (!options_.insecure && options_.account) {
    tokens_ = std::make_unique<TokenSource>(*options_.account, &transport_);
  }
}

GcsBackend::~GcsBackend() = default;

std::string GcsBackend::ObjectUrl(std::string_view key) const {
  return fmt::format("{}/storage/v1/b/{}/o/{}", options_.endpoint,
                     remote::UriEncode(options_.bucket),
                     remote::UriEncode(key_prefix_ + std::string(key)));
}

Result<remote::HttpResponse> GcsBackend::Send(const std::string& method, const std::string& url,
                                              remote::Headers headers, ByteView body) {
  if (tokens_ != nullptr) {
    VV_ASSIGN_OR_RETURN(std::string token, tokens_->Token());
    headers.emplace_back("Authorization", "Bearer " + token);
  }
  return remote::WithRetries(options_.retry, [&]() -> Result<remote::HttpResponse> {
    remote::HttpRequest req;
    req.method = method;
    req.url = url;
    req.headers = headers;
    req.body = body;
    return transport_.Do(req);
  });
}

Result<std::string> GcsBackend::Read(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send("GET", ObjectUrl(key) + "?alt=media", {}));
  if (r.status != 200) {
    return remote::HttpError(kStore, "GET", key, r);
  }
  return std::move(r.body);
}

Result<std::string> GcsBackend::ReadRange(std::string_view key, uint64_t offset, uint64_t length) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  if (length == 0 || length > UINT64_MAX - offset) {
    VV_ASSIGN_OR_RETURN(uint64_t size, Size(key));
    VV_RETURN_IF_ERROR(CheckRange(key, offset, length, size));
    return std::string();
  }
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r,
                      Send("GET", ObjectUrl(key) + "?alt=media",
                           {{"Range", fmt::format("bytes={}-{}", offset, offset + length - 1)}}));
  return remote::RangeFromResponse(kStore, key, offset, length, std::move(r));
}

Result<uint64_t> GcsBackend::Size(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send("GET", ObjectUrl(key), {}));
  if (r.status != 200) {
    return remote::HttpError(kStore, "metadata", key, r);
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view size;
  if (parser.parse(r.body).get(root) != simdjson::SUCCESS
      || root["size"].get_string().get(size) != simdjson::SUCCESS) {
    return Status::Internal(fmt::format("gcs metadata {}: no size in the answer", key));
  }
  Result<uint64_t> n = ParseUint64(size);
  if (!n.ok()) {
    return Status::Internal(fmt::format("gcs metadata {}: bad size {}", key, size));
  }
  return *n;
}

namespace {

void AppendJsonString(std::string* out, std::string_view v) {
  out->push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      *out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace

// A multipart upload (metadata + media in one request): it carries object_cache_control and
// object_metadata, and unlike a bare media upload it also works for empty objects everywhere.
Status GcsBackend::Write(std::string_view key, ByteView data) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  std::string meta = "{\"name\":";
  AppendJsonString(&meta, key_prefix_ + std::string(key));
  if (!options_.cache_control.empty()) {
    meta += ",\"cacheControl\":";
    AppendJsonString(&meta, options_.cache_control);
  }
  if (!options_.metadata.empty()) {
    meta += ",\"metadata\":{";
    bool first = true;
    for (const auto& [k, v] : options_.metadata) {
      if (!first) {
        meta += ",";
      }
      first = false;
      AppendJsonString(&meta, k);
      meta += ":";
      AppendJsonString(&meta, v);
    }
    meta += "}";
  }
  meta += "}";
  // A boundary that cannot occur in the data by accident: derived from a hash of it.
  std::string boundary = "vivace-" + remote::Sha256Hex(data.str()).substr(0, 32);
  std::string body;
  body.reserve(data.size() + meta.size() + 200);
  body += "--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" + meta;
  body += "\r\n--" + boundary + "\r\nContent-Type: application/octet-stream\r\n\r\n";
  body.append(data.str());
  body += "\r\n--" + boundary + "--\r\n";
  std::string url = fmt::format("{}/upload/storage/v1/b/{}/o?uploadType=multipart",
                                options_.endpoint, remote::UriEncode(options_.bucket));
  remote::Headers h{{"Content-Type", "multipart/related; boundary=" + boundary}};
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send("POST", url, h, ByteView(body)));
  if (r.status != 200 && r.status != 201) {
    return remote::HttpError(kStore, "upload", key, r);
  }
  return Status::Ok();
}

Status GcsBackend::Delete(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send("DELETE", ObjectUrl(key), {}));
  if (r.status != 204 && r.status != 200 && r.status != 404) {
    return remote::HttpError(kStore, "DELETE", key, r);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> GcsBackend::List(std::string_view prefix) {
  VV_RETURN_IF_ERROR(ValidatePrefix(prefix));
  std::string full = key_prefix_ + std::string(prefix);
  if (!prefix.empty()) {
    full += "/";
  }
  std::vector<std::string> names;
  std::string token;
  simdjson::dom::parser parser;
  while (true) {
    std::string url = fmt::format("{}/storage/v1/b/{}/o?delimiter=%2F&maxResults={}&prefix={}",
                                  options_.endpoint, remote::UriEncode(options_.bucket),
                                  options_.list_page_size, remote::UriEncode(full));
    if (!token.empty()) {
      url += "&pageToken=" + remote::UriEncode(token);
    }
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r, Send("GET", url, {}));
    if (r.status != 200) {
      return remote::HttpError(kStore, "list", prefix.empty() ? "/" : prefix, r);
    }
    simdjson::dom::element root;
    if (parser.parse(r.body).get(root) != simdjson::SUCCESS) {
      return Status::Internal(fmt::format("gcs list {}: answer is not JSON", prefix));
    }
    auto take = [&](std::string_view name) {
      if (!name.starts_with(full)) {
        return;
      }
      name.remove_prefix(full.size());
      if (!name.empty() && name.back() == '/') {
        name.remove_suffix(1);
      }
      if (!name.empty() && name.find('/') == std::string_view::npos) {
        names.emplace_back(name);
      }
    };
    simdjson::dom::array items;
    if (root["items"].get_array().get(items) == simdjson::SUCCESS) {
      for (simdjson::dom::element item : items) {
        std::string_view name;
        if (item["name"].get_string().get(name) == simdjson::SUCCESS) {
          take(name);
        }
      }
    }
    simdjson::dom::array prefixes;
    if (root["prefixes"].get_array().get(prefixes) == simdjson::SUCCESS) {
      for (simdjson::dom::element p : prefixes) {
        std::string_view name;
        if (p.get_string().get(name) == simdjson::SUCCESS) {
          take(name);
        }
      }
    }
    std::string_view next;
    if (root["nextPageToken"].get_string().get(next) != simdjson::SUCCESS || next.empty()) {
      break;
    }
    token = std::string(next);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Status GcsBackend::CreateBucket() {
  std::string body = fmt::format(R"({{"name":"{}"}})", options_.bucket);
  VV_ASSIGN_OR_RETURN(remote::HttpResponse r,
                      Send("POST", options_.endpoint + "/storage/v1/b?project=vivace",
                           {{"Content-Type", "application/json"}}, ByteView(body)));
  if (r.status == 200 || r.status == 409) {
    return Status::Ok();
  }
  return remote::HttpError(kStore, "create bucket", options_.bucket, r);
}

// A resumable upload: the session starts at the first full chunk, the object appears when the
// last chunk (with the total size) is accepted.
class GcsAppendWriter final : public remote::ChunkedAppendWriter {
 public:
  GcsAppendWriter(GcsBackend* backend, std::string key)
      : ChunkedAppendWriter(kStore, std::move(key), backend->options_.chunk_size),
        backend_(backend) {}

  ~GcsAppendWriter() override {
    if (!closed() && !session_.empty()) {
      auto r = backend_->Send("DELETE", session_, {});  // cancel the upload; best effort
      (void)r;
    }
  }

  GcsAppendWriter(const GcsAppendWriter&) = delete;
  GcsAppendWriter& operator=(const GcsAppendWriter&) = delete;
  GcsAppendWriter(GcsAppendWriter&&) = delete;
  GcsAppendWriter& operator=(GcsAppendWriter&&) = delete;

 private:
  Status WriteWhole(ByteView data) override { return backend_->Write(key(), data); }

  Status SendChunk(ByteView chunk) override { return Send(chunk, false); }

  Status Finish(ByteView rest) override { return Send(rest, true); }

  Status Start() {
    std::string url =
        fmt::format("{}/upload/storage/v1/b/{}/o?uploadType=resumable&name={}",
                    backend_->options_.endpoint, remote::UriEncode(backend_->options_.bucket),
                    remote::UriEncode(backend_->key_prefix_ + key()));
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r,
                        backend_->Send("POST", url,
                                       {{"Content-Type", "application/json"},
                                        {"X-Upload-Content-Type", "application/octet-stream"}},
                                       ByteView(std::string_view("{}"))));
    if (r.status != 200 && r.status != 201) {
      return remote::HttpError(kStore, "start resumable upload", key(), r);
    }
    session_ = std::string(r.Header("location"));
    if (session_.empty()) {
      return Status::Internal(fmt::format("gcs upload {}: no session location", key()));
    }
    return Status::Ok();
  }

  Status Send(ByteView chunk, bool last) {
    if (session_.empty()) {
      VV_RETURN_IF_ERROR(Start());
    }
    std::string range;
    uint64_t end = sent_ + chunk.size();
    if (chunk.size() == 0) {
      range = fmt::format("bytes */{}", sent_);
    } else {
      range = fmt::format("bytes {}-{}/{}", sent_, end - 1, last ? std::to_string(end) : "*");
    }
    VV_ASSIGN_OR_RETURN(remote::HttpResponse r,
                        backend_->Send("PUT", session_, {{"Content-Range", range}}, chunk));
    bool ok = last ? (r.status == 200 || r.status == 201) : r.status == 308;
    if (!ok) {
      return remote::HttpError(kStore, "upload chunk", key(), r);
    }
    sent_ = end;
    return Status::Ok();
  }

  GcsBackend* backend_;
  std::string session_;
  uint64_t sent_ = 0;
};

Result<std::unique_ptr<AppendWriter>> GcsBackend::Append(std::string_view key) {
  VV_RETURN_IF_ERROR(ValidateKey(key));
  return std::unique_ptr<AppendWriter>(std::make_unique<GcsAppendWriter>(this, std::string(key)));
}

}  // namespace vivace::backend::gcs
