// OTLP/HTTP transport: one thread drives a libcurl multi handle with one easy handle per slot.
// The multi handle's connection cache keeps up to `concurrency` keep-alive connections, so
// steady load opens no new ones. Send() only queues the slot and wakes the thread; easy handles
// are touched by the caller only while they are not inside the multi handle.

#include <zlib.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <curl/curl.h>
#include <fmt/format.h>

#include "common/logging.h"
#include "loadgen/sender.h"

namespace vivace::loadgen {
namespace {

// Stable keys for the transport errors one sees against a local server.
std::string CurlErrorKey(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return "CURL_COULDNT_CONNECT";
    case CURLE_COULDNT_RESOLVE_HOST:
      return "CURL_COULDNT_RESOLVE_HOST";
    case CURLE_OPERATION_TIMEDOUT:
      return "CURL_TIMEOUT";
    case CURLE_SEND_ERROR:
      return "CURL_SEND_ERROR";
    case CURLE_RECV_ERROR:
      return "CURL_RECV_ERROR";
    case CURLE_GOT_NOTHING:
      return "CURL_GOT_NOTHING";
    default:
      return fmt::format("CURL_{}", static_cast<int>(code));
  }
}

// gzip at level 1: cheap for the loadgen, still what exporters' gzip looks like to a server.
bool Gzip(const uint8_t* data, size_t size, std::string* out) {
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return false;
  }
  out->resize(deflateBound(&z, size));
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(out->size());
  int rc = deflate(&z, Z_FINISH);
  out->resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END;
}

size_t AppendResponse(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  // Keep only the start: enough for a partial-success message or an error text.
  size_t take = std::min(size * n, size_t{64 << 10} - std::min(body->size(), size_t{64 << 10}));
  body->append(data, take);
  return size * n;
}

class HttpSender final : public Sender {
 public:
  HttpSender(const Options& options, Done done)
      : gzip_(options.compression == Compression::kGzip),
        slots_(static_cast<size_t>(options.concurrency)),
        done_(std::move(done)) {
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(options.concurrency));
    headers_ = curl_slist_append(headers_, "Content-Type: application/x-protobuf");
    headers_ = curl_slist_append(headers_, "Expect:");  // no 100-continue round trip
    if (!options.tenant.empty()) {
      headers_ = curl_slist_append(headers_, ("X-Scope-OrgID: " + options.tenant).c_str());
    }
    if (gzip_) {
      headers_ = curl_slist_append(headers_, "Content-Encoding: gzip");
    }
    for (Slot& s : slots_) {
      s.easy = curl_easy_init();
      curl_easy_setopt(s.easy, CURLOPT_URL, options.target.c_str());
      curl_easy_setopt(s.easy, CURLOPT_HTTPHEADER, headers_);
      curl_easy_setopt(s.easy, CURLOPT_POST, 1L);
      curl_easy_setopt(s.easy, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(s.easy, CURLOPT_TCP_NODELAY, 1L);
      curl_easy_setopt(s.easy, CURLOPT_TIMEOUT_MS,
                       static_cast<long>(options.timeout.count() / 1'000'000));
      curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, &AppendResponse);
      curl_easy_setopt(s.easy, CURLOPT_WRITEDATA, &s.response);
      curl_easy_setopt(s.easy, CURLOPT_ERRORBUFFER, s.error);
      curl_easy_setopt(s.easy, CURLOPT_PRIVATE, &s);
      s.index = static_cast<int>(&s - slots_.data());
    }
    thread_ = std::thread([this] { Loop(); });
  }

  HttpSender(const HttpSender&) = delete;
  HttpSender& operator=(const HttpSender&) = delete;
  HttpSender(HttpSender&&) = delete;
  HttpSender& operator=(HttpSender&&) = delete;

  ~HttpSender() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    curl_multi_wakeup(multi_);
    thread_.join();
    for (Slot& s : slots_) {
      curl_easy_cleanup(s.easy);
    }
    curl_multi_cleanup(multi_);
    curl_slist_free_all(headers_);
  }

  uint8_t* Buffer(int slot, size_t size) override {
    std::string& body = slots_[static_cast<size_t>(slot)].body;
    body.resize(size);
    return reinterpret_cast<uint8_t*>(body.data());
  }

  void Send(int slot, size_t size) override {
    Slot& s = slots_[static_cast<size_t>(slot)];
    const std::string* payload = &s.body;
    if (gzip_) {
      if (!Gzip(reinterpret_cast<const uint8_t*>(s.body.data()), size, &s.gzipped)) {
        done_(slot, Outcome{.error = "GZIP", .message = "gzip failed"});
        return;
      }
      payload = &s.gzipped;
    }
    s.wire_bytes = payload->size();
    s.response.clear();
    s.error[0] = '\0';
    curl_easy_setopt(s.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload->size()));
    curl_easy_setopt(s.easy, CURLOPT_POSTFIELDS, payload->data());
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.push_back(slot);
    }
    curl_multi_wakeup(multi_);
  }

 private:
  struct Slot {
    CURL* easy = nullptr;
    int index = 0;
    std::string body;
    std::string gzipped;
    std::string response;
    uint64_t wire_bytes = 0;
    char error[CURL_ERROR_SIZE] = {};
  };

  void Loop() {
    std::vector<int> batch;
    int running = 0;
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        batch.swap(pending_);
        // In-flight transfers end by completion or timeout; the driver drains before us.
        if (stopping_ && batch.empty() && running == 0) {
          return;
        }
      }
      for (int slot : batch) {
        curl_multi_add_handle(multi_, slots_[static_cast<size_t>(slot)].easy);
      }
      batch.clear();
      curl_multi_perform(multi_, &running);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
        if (msg->msg == CURLMSG_DONE) {
          Finish(msg->easy_handle, msg->data.result);
        }
      }
      curl_multi_poll(multi_, nullptr, 0, 100, nullptr);
    }
  }

  void Finish(CURL* easy, CURLcode result) {
    Slot* s = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &s);
    curl_multi_remove_handle(multi_, easy);
    Outcome outcome;
    outcome.wire_bytes = s->wire_bytes;
    long status = 0;  // NOLINT(google-runtime-int): curl's type
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (result != CURLE_OK) {
      outcome.error = CurlErrorKey(result);
      outcome.message = s->error[0] != '\0' ? s->error : curl_easy_strerror(result);
    } else if (status >= 200 && status < 300) {
      outcome.ok = true;
      outcome.rejected_spans = RejectedSpans(ByteView(s->response));
    } else {
      outcome.error = fmt::format("HTTP_{}", status);
      outcome.message = s->response.substr(0, 300);
    }
    done_(s->index, std::move(outcome));
  }

  bool gzip_;
  std::vector<Slot> slots_;
  Done done_;
  CURLM* multi_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::mutex mu_;
  std::vector<int> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

Result<std::unique_ptr<Sender>> MakeHttpSender(const Options& options, Sender::Done done) {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) {
    return Status::Internal(fmt::format("curl_global_init failed: {}", curl_easy_strerror(init)));
  }
  // Fail fast, as the gRPC sender does, rather than spin on connection errors.
  CURL* probe = curl_easy_init();
  curl_easy_setopt(probe, CURLOPT_URL, options.target.c_str());
  curl_easy_setopt(probe, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(probe, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(probe, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.timeout.count() / 1'000'000));
  CURLcode rc = curl_easy_perform(probe);
  curl_easy_cleanup(probe);
  if (rc != CURLE_OK) {
    return Status::Unavailable(
        fmt::format("could not connect to {}: {}", options.target, curl_easy_strerror(rc)));
  }
  return std::unique_ptr<Sender>(std::make_unique<HttpSender>(options, std::move(done)));
}

}  // namespace vivace::loadgen
