#include "backend/azure/shared_key.h"

#include <time.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "backend/remote/crypto.h"
#include "common/base64.h"

namespace vivace::backend::azure {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
    v.remove_prefix(1);
  }
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
    v.remove_suffix(1);
  }
  return v;
}

}  // namespace

std::string SharedKeyStringToSign(std::string_view method, std::string_view account,
                                  std::string_view path, const remote::QueryParams& query,
                                  const remote::Headers& headers) {
  std::map<std::string, std::string> standard;
  std::map<std::string, std::string> ms;
  for (const auto& [name, value] : headers) {
    std::string n = Lower(name);
    if (n.starts_with("x-ms-")) {
      ms[n] = std::string(Trim(value));
    } else {
      standard[n] = std::string(value);
    }
  }
  std::string out(method);
  out.push_back('\n');
  for (const char* h :
       {"content-encoding", "content-language", "content-length", "content-md5", "content-type",
        "date", "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"}) {
    auto it = standard.find(h);
    std::string value = it == standard.end() ? "" : it->second;
    if (std::string_view(h) == "content-length" && value == "0") {
      value.clear();  // versions since 2015-02-21 sign an empty string for a zero length
    }
    out.append(value).push_back('\n');
  }
  for (const auto& [name, value] : ms) {
    out.append(name).append(":").append(value).push_back('\n');
  }
  out.append("/").append(account).append(path.empty() ? std::string_view("/") : path);
  std::map<std::string, std::string> params;
  for (const auto& [k, v] : query) {
    std::string key = Lower(k);
    auto [it, inserted] = params.emplace(key, v);
    if (!inserted) {
      it->second += "," + v;
    }
  }
  for (const auto& [k, v] : params) {
    out.append("\n").append(k).append(":").append(v);
  }
  return out;
}

Result<std::string> SharedKeyAuthorization(std::string_view account, std::string_view base64_key,
                                           std::string_view string_to_sign) {
  std::string key;
  if (!Base64Decode(base64_key, &key) || key.empty()) {
    return Status::InvalidArgument("azure: storage_account_key is not valid base64");
  }
  std::string sig = remote::HmacSha256(key, string_to_sign);
  return fmt::format("SharedKey {}:{}", account, Base64Encode(ByteView(sig)));
}

std::string Rfc1123Date(int64_t unix_seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = static_cast<time_t>(unix_seconds);

  struct tm tm {};

  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace vivace::backend::azure
