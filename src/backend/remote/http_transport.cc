#include "backend/remote/http_transport.h"

#include <strings.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

namespace vivace::backend::remote {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

long MillisOf(Duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

struct UploadState {
  ByteView body;
  size_t pos = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* st = static_cast<UploadState*>(userdata);
  size_t n = std::min(size * nitems, st->body.size() - st->pos);
  std::copy_n(st->body.data() + st->pos, n, buffer);
  st->pos += n;
  return n;
}

size_t WriteBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
  static_cast<HttpResponse*>(userdata)->body.append(ptr, size * nmemb);
  return size * nmemb;
}

size_t WriteHeader(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* r = static_cast<HttpResponse*>(userdata);
  std::string_view line(buffer, size * nitems);
  if (line.starts_with("HTTP/")) {
    r->headers.clear();  // a new response (after 100 Continue or a redirect)
    return size * nitems;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return size * nitems;
  }
  std::string name(line.substr(0, colon));
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  r->headers.emplace_back(std::move(name), std::string(value));
  return size * nitems;
}

}  // namespace

std::string_view HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) {
      return value;
    }
  }
  return {};
}

struct HttpTransport::Impl {
  TransportOptions options;
  std::mutex mu;
  std::vector<CURL*> idle;  // guarded by mu
  std::atomic<uint64_t> sent{0};

  CURL* Take() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }

  void Give(CURL* h) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (static_cast<int>(idle.size()) < options.max_idle_handles) {
        idle.push_back(h);
        return;
      }
    }
    curl_easy_cleanup(h);
  }
};

HttpTransport::HttpTransport(TransportOptions options) : impl_(std::make_unique<Impl>()) {
  GlobalInit();
  impl_->options = std::move(options);
}

HttpTransport::~HttpTransport() {
  for (CURL* h : impl_->idle) {
    curl_easy_cleanup(h);
  }
}

uint64_t HttpTransport::requests_sent() const { return impl_->sent.load(); }

Result<HttpResponse> HttpTransport::Do(const HttpRequest& req) {
  CURL* h = impl_->Take();
  if (h == nullptr) {
    return Status::Internal("http: cannot create a curl handle");
  }
  impl_->sent.fetch_add(1, std::memory_order_relaxed);
  const TransportOptions& o = impl_->options;
  curl_easy_reset(h);  // keeps the connection cache, clears the previous request's options
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, MillisOf(o.connect_timeout));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, MillisOf(o.request_timeout));
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  if (!o.tls_ca_path.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, o.tls_ca_path.c_str());
  }
  if (!o.tls_cert_path.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, o.tls_cert_path.c_str());
  }
  if (!o.tls_key_path.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLKEY, o.tls_key_path.c_str());
  }
  if (o.tls_insecure_skip_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  UploadState upload{req.body, 0};
  bool sends_body = req.method == "PUT" || req.method == "POST";
  if (req.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (sends_body) {
    // UPLOAD sends exactly Content-Length bytes from the callback (no form encoding, no
    // chunking); CUSTOMREQUEST turns the PUT into a POST where needed.
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadBody);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    if (req.method != "PUT") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
  } else if (req.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }

  curl_slist* headers = nullptr;
  for (const auto& [name, value] : req.headers) {
    // "Name;" sends a header with an empty value; "Name:" would remove it.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    headers = curl_slist_append(headers, line.c_str());
  }
  // curl adds neither unless asked, but be explicit: no 100-continue round trip, and no
  // default Content-Type that would break signatures.
  headers = curl_slist_append(headers, "Expect:");
  if (sends_body) {
    bool has_type = false;
    for (const auto& kv : req.headers) {
      has_type |= strcasecmp(kv.first.c_str(), "content-type") == 0;
    }
    if (!has_type) {
      headers = curl_slist_append(headers, "Content-Type:");
    }
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

  HttpResponse resp;
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp);

  CURLcode rc = curl_easy_perform(h);
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  impl_->Give(h);

  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return Status::DeadlineExceeded(
        fmt::format("http {} {}: timed out", req.method, req.url.substr(0, req.url.find('?'))));
  }
  if (rc != CURLE_OK) {
    return Status::Unavailable(fmt::format("http {} {}: {}", req.method,
                                           req.url.substr(0, req.url.find('?')),
                                           curl_easy_strerror(rc)));
  }
  resp.status = static_cast<int>(code);
  return resp;
}

}  // namespace vivace::backend::remote
