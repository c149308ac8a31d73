#include "backend/instrumented_backend.h"

namespace vivace::backend {

namespace {

constexpr std::string_view kGet = "GET";
constexpr std::string_view kHead = "HEAD";
constexpr std::string_view kPut = "PUT";
constexpr std::string_view kDelete = "DELETE";

// Times one request and records it when it ends.
class RequestTimer {
 public:
  RequestTimer(const Clock& clock, std::string_view operation)
      : clock_(clock), operation_(operation), start_(clock.MonotonicNanos()) {}

  void Done(const Status& status) const {
    double seconds = static_cast<double>(clock_.MonotonicNanos() - start_) / 1e9;
    BackendRequestDuration().WithLabels({operation_, HttpStatusCodeOf(status)}).Observe(seconds);
  }

 private:
  const Clock& clock_;
  std::string_view operation_;
  int64_t start_;
};

template <typename T>
Result<T> Timed(const RequestTimer& timer, Result<T> r) {
  timer.Done(r.status());
  return r;
}

Status Timed(const RequestTimer& timer, Status s) {
  timer.Done(s);
  return s;
}

class InstrumentedAppendWriter final : public AppendWriter {
 public:
  InstrumentedAppendWriter(std::unique_ptr<AppendWriter> inner, const Clock& clock)
      : inner_(std::move(inner)), clock_(clock) {}

  Status Append(ByteView data) override {
    RequestTimer t(clock_, kPut);
    return Timed(t, inner_->Append(data));
  }

  Status Close() override {
    RequestTimer t(clock_, kPut);
    return Timed(t, inner_->Close());
  }

 private:
  std::unique_ptr<AppendWriter> inner_;
  const Clock& clock_;
};

}  // namespace

metrics::Family<metrics::Histogram>& BackendRequestDuration() {
  static auto& f = metrics::DefaultRegistry().NewHistogram(
      "tempodb_backend_request_duration_seconds", "Time spent doing backend storage requests.",
      {"operation", "status_code"}, metrics::ExponentialBuckets(0.005, 4, 6));
  return f;
}

std::string_view HttpStatusCodeOf(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return "200";
    case Code::kInvalidArgument:
    case Code::kFailedPrecondition:
      return "400";
    case Code::kUnauthenticated:
      return "401";
    case Code::kPermissionDenied:
      return "403";
    case Code::kNotFound:
      return "404";
    case Code::kOutOfRange:
      return "416";
    case Code::kResourceExhausted:
      return "507";
    case Code::kUnavailable:
      return "503";
    case Code::kDeadlineExceeded:
      return "504";
    case Code::kCancelled:
      return "499";
    default:
      return "500";
  }
}

InstrumentedBackend::InstrumentedBackend(std::unique_ptr<RawBackend> inner, const Clock& clock)
    : inner_(std::move(inner)), clock_(clock) {}

Result<std::string> InstrumentedBackend::Read(std::string_view key) {
  RequestTimer t(clock_, kGet);
  return Timed(t, inner_->Read(key));
}

Result<std::string> InstrumentedBackend::ReadRange(std::string_view key, uint64_t offset,
                                                   uint64_t length) {
  RequestTimer t(clock_, kGet);
  return Timed(t, inner_->ReadRange(key, offset, length));
}

Result<uint64_t> InstrumentedBackend::Size(std::string_view key) {
  RequestTimer t(clock_, kHead);
  return Timed(t, inner_->Size(key));
}

Status InstrumentedBackend::Write(std::string_view key, ByteView data) {
  RequestTimer t(clock_, kPut);
  return Timed(t, inner_->Write(key, data));
}

Result<std::unique_ptr<AppendWriter>> InstrumentedBackend::Append(std::string_view key) {
  // Opening a stream is not a request of its own; its parts and Close are.
  VV_ASSIGN_OR_RETURN(std::unique_ptr<AppendWriter> w, inner_->Append(key));
  std::unique_ptr<AppendWriter> out =
      std::make_unique<InstrumentedAppendWriter>(std::move(w), clock_);
  return out;
}

Result<std::vector<std::string>> InstrumentedBackend::List(std::string_view prefix) {
  RequestTimer t(clock_, kGet);
  return Timed(t, inner_->List(prefix));
}

Status InstrumentedBackend::Delete(std::string_view key) {
  RequestTimer t(clock_, kDelete);
  return Timed(t, inner_->Delete(key));
}

}  // namespace vivace::backend
