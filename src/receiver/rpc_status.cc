#include "receiver/rpc_status.h"

#include <fmt/format.h>

#include "common/json_writer.h"
#include "google/rpc/status.pb.h"

namespace vivace::receiver {

std::string RpcStatusProto(const Status& status, Duration retry_after) {
  google::rpc::Status s;
  s.set_code(static_cast<int>(status.code()));
  s.set_message(std::string(status.message()));
  if (retry_after.count() > 0) {
    google::rpc::RetryInfo info;
    info.mutable_retry_delay()->set_seconds(
        std::chrono::duration_cast<std::chrono::seconds>(retry_after).count());
    auto* any = s.add_details();
    any->set_type_url("type.googleapis.com/google.rpc.RetryInfo");
    any->set_value(info.SerializeAsString());
  }
  return s.SerializeAsString();
}

std::string RpcStatusJson(const Status& status, Duration retry_after) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("code");
  w.Int(static_cast<int>(status.code()));
  w.Key("message");
  w.String(status.message());
  if (retry_after.count() > 0) {
    w.Key("details");
    w.BeginArray();
    w.BeginObject();
    w.Key("@type");
    w.String("type.googleapis.com/google.rpc.RetryInfo");
    w.Key("retryDelay");
    w.String(
        fmt::format("{}s", std::chrono::duration_cast<std::chrono::seconds>(retry_after).count()));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  return out;
}

int OtlpHttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kCancelled:
    case Code::kDeadlineExceeded:
    case Code::kAborted:
    case Code::kOutOfRange:
    case Code::kUnavailable:
    case Code::kDataLoss:
      return 503;
    case Code::kResourceExhausted:
      return 429;
    case Code::kInvalidArgument:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kPermissionDenied:
      return 403;
    case Code::kUnimplemented:
      return 404;
    default:
      return 500;
  }
}

}  // namespace vivace::receiver
