#include "backend/remote/errors.h"

#include <fmt/format.h>

#include "backend/remote/xml.h"

namespace vivace::backend::remote {
namespace {

// Error code and message from an S3 / Azure <Error> XML body, or a GCS {"error": {...}} body
// (found by a plain scan, so a truncated or odd body still says something).
std::string Detail(const HttpResponse& r) {
  std::string_view code = r.Header("x-ms-error-code");
  if (!r.body.empty() && r.body.find('<') != std::string::npos) {
    Result<XmlElement> xml = ParseXml(r.body);
    if (xml.ok() && xml->name == "Error") {
      std::string_view c = xml->ChildText("Code");
      std::string_view m = xml->ChildText("Message");
      std::string msg(m.substr(0, m.find('\n')));
      return fmt::format("{}{}{}", c.empty() ? code : c, msg.empty() ? "" : ": ", msg);
    }
  }
  if (!r.body.empty() && r.body.front() == '{') {
    size_t at = r.body.find("\"message\"");
    if (at != std::string::npos) {
      size_t start = r.body.find('"', r.body.find(':', at) + 1);
      size_t end = start == std::string::npos ? start : r.body.find('"', start + 1);
      if (end != std::string::npos) {
        return r.body.substr(start + 1, std::min<size_t>(end - start - 1, 300));
      }
    }
  }
  return std::string(code);
}

}  // namespace

Code CodeForHttpStatus(int status) {
  switch (status) {
    case 400:
      return Code::kInvalidArgument;
    case 401:
    case 403:
      return Code::kPermissionDenied;
    case 404:
      return Code::kNotFound;
    case 408:
      return Code::kDeadlineExceeded;
    case 409:
    case 412:
      return Code::kFailedPrecondition;
    case 416:
      return Code::kOutOfRange;
    case 429:
      return Code::kUnavailable;
    default:
      return status >= 500 ? Code::kUnavailable : Code::kInternal;
  }
}

Status HttpError(std::string_view store, std::string_view op, std::string_view key,
                 const HttpResponse& response) {
  std::string detail = Detail(response);
  return Status(CodeForHttpStatus(response.status),
                fmt::format("{} {} {}: http {}{}{}", store, op, key, response.status,
                            detail.empty() ? "" : " ", detail));
}

Result<std::string> RangeFromResponse(std::string_view store, std::string_view key, uint64_t offset,
                                      uint64_t length, HttpResponse&& response) {
  auto past_end = [&] {
    return Status::OutOfRange(fmt::format(
        "{} GET {}: range [{}, +{}) is past the end of the object", store, key, offset, length));
  };
  if (response.status == 416) {
    return past_end();
  }
  if (response.status == 200) {
    if (response.body.size() < offset || response.body.size() - offset < length) {
      return past_end();
    }
    return response.body.substr(offset, length);
  }
  if (response.status != 206) {
    return HttpError(store, "GET", key, response);
  }
  if (response.body.size() != length) {
    return past_end();
  }
  return std::move(response.body);
}

}  // namespace vivace::backend::remote
