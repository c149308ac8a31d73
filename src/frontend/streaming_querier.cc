#include "frontend/streaming_querier.h"

#include <future>
#include <map>
#include <string>

namespace vivace::frontend {
namespace {

void AddParam(net::HttpRequest* r, std::string name, std::string value) {
  r->query.emplace_back(std::move(name), std::move(value));
}

void AddUint(net::HttpRequest* r, std::string name, uint32_t v) {
  if (v != 0) {
    AddParam(r, std::move(name), std::to_string(v));
  }
}

net::HttpRequest Base(std::string path) {
  net::HttpRequest r;
  r.method = "GET";
  r.path = std::move(path);
  r.target = r.path;
  r.headers.emplace_back("accept", "application/protobuf");
  return r;
}

// A logfmt value, quoted when it must be.
std::string LogfmtValue(const std::string& v) {
  bool plain = !v.empty() && v.find_first_of(" =\"\\\t\n") == std::string::npos;
  if (plain) {
    return v;
  }
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
  return out;
}

// Runs `handle` on `request` with the call's tenant; waits for its answer.
template <typename Handle>
net::HttpResponse Call(grpc::ServerContext* context, net::HttpRequest request, Handle handle) {
  const auto& md = context->client_metadata();
  auto it = md.find("x-scope-orgid");
  if (it != md.end()) {
    request.headers.emplace_back("x-scope-orgid",
                                 std::string(it->second.data(), it->second.size()));
  }
  auto promise = std::make_shared<std::promise<net::HttpResponse>>();
  std::future<net::HttpResponse> answer = promise->get_future();
  handle(std::move(request),
         [promise](net::HttpResponse response) { promise->set_value(std::move(response)); });
  return answer.get();
}

// Writes the answer as the stream's one message, or fails the call.
template <typename Message>
grpc::Status Finish(const net::HttpResponse& response, grpc::ServerWriter<Message>* writer) {
  if (response.status != 200) {
    return GrpcStatusOf(response);
  }
  Message m;
  if (!m.ParseFromString(response.body)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "cannot decode the answer");
  }
  writer->Write(m);
  return grpc::Status::OK;
}

}  // namespace

net::HttpRequest HttpSearchRequest(const tempopb::SearchRequest& r) {
  net::HttpRequest out = Base("/api/search");
  if (!r.query().empty()) {
    AddParam(&out, "q", r.query());
  } else if (!r.tags().empty()) {
    std::map<std::string, std::string> sorted(r.tags().begin(), r.tags().end());
    std::string tags;
    for (const auto& [k, v] : sorted) {
      tags += (tags.empty() ? "" : " ") + k + "=" + LogfmtValue(v);
    }
    AddParam(&out, "tags", tags);
  }
  if (r.mindurationms() != 0) {
    AddParam(&out, "minDuration", std::to_string(r.mindurationms()) + "ms");
  }
  if (r.maxdurationms() != 0) {
    AddParam(&out, "maxDuration", std::to_string(r.maxdurationms()) + "ms");
  }
  AddUint(&out, "limit", r.limit());
  AddUint(&out, "start", r.start());
  AddUint(&out, "end", r.end());
  AddUint(&out, "spss", r.spansperspanset());
  return out;
}

net::HttpRequest HttpTagsRequest(const tempopb::SearchTagsRequest& r) {
  net::HttpRequest out = Base("/api/search/tags");
  if (!r.scope().empty()) {
    AddParam(&out, "scope", r.scope());
  }
  if (!r.query().empty()) {
    AddParam(&out, "q", r.query());
  }
  AddUint(&out, "start", r.start());
  AddUint(&out, "end", r.end());
  AddUint(&out, "limit", r.maxtagsperscope());
  AddUint(&out, "maxStaleValues", r.stalevaluesthreshold());
  return out;
}

net::HttpRequest HttpTagValuesRequest(const tempopb::SearchTagValuesRequest& r) {
  net::HttpRequest out = Base("/api/search/tag/" + r.tagname() + "/values");
  out.path_params.emplace_back("tagName", r.tagname());
  if (!r.query().empty()) {
    AddParam(&out, "q", r.query());
  }
  AddUint(&out, "start", r.start());
  AddUint(&out, "end", r.end());
  AddUint(&out, "limit", r.maxtagvalues());
  AddUint(&out, "maxStaleValues", r.stalevaluethreshold());
  return out;
}

grpc::Status GrpcStatusOf(const net::HttpResponse& response) {
  std::string message = response.body;
  while (!message.empty() && message.back() == '\n') {
    message.pop_back();
  }
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  switch (response.status) {
    case 400:
      code = grpc::StatusCode::INVALID_ARGUMENT;
      break;
    case 401:
      code = grpc::StatusCode::UNAUTHENTICATED;
      break;
    case 404:
      code = grpc::StatusCode::NOT_FOUND;
      break;
    case 429:
      code = grpc::StatusCode::RESOURCE_EXHAUSTED;
      break;
    case 499:
      code = grpc::StatusCode::CANCELLED;
      break;
    default:
      if (response.status >= 500) {
        code = grpc::StatusCode::INTERNAL;
      }
  }
  return grpc::Status(code, message);
}

grpc::Status StreamingQuerierService::Search(grpc::ServerContext* context,
                                             const tempopb::SearchRequest* request,
                                             grpc::ServerWriter<tempopb::SearchResponse>* writer) {
  // Partial answers (new traces, metrics so far) while the search runs, then the whole answer.
  SearchProgress progress;
  progress.fn = [writer](tempopb::SearchResponse diff) { writer->Write(diff); };
  progress.interval = progress_interval_;
  auto response = Call(context, HttpSearchRequest(*request),
                       [this, &progress](net::HttpRequest r, net::Responder respond) {
                         search_->Handle(std::move(r), std::move(respond), &progress);
                       });
  return Finish(response, writer);
}

grpc::Status StreamingQuerierService::SearchTags(
    grpc::ServerContext* context, const tempopb::SearchTagsRequest* request,
    grpc::ServerWriter<tempopb::SearchTagsResponse>* writer) {
  auto response =
      Call(context, HttpTagsRequest(*request), [this](net::HttpRequest r, net::Responder respond) {
        tags_->HandleNames(std::move(r), std::move(respond), false);
      });
  return Finish(response, writer);
}

grpc::Status StreamingQuerierService::SearchTagsV2(
    grpc::ServerContext* context, const tempopb::SearchTagsRequest* request,
    grpc::ServerWriter<tempopb::SearchTagsV2Response>* writer) {
  auto response =
      Call(context, HttpTagsRequest(*request), [this](net::HttpRequest r, net::Responder respond) {
        tags_->HandleNames(std::move(r), std::move(respond), true);
      });
  return Finish(response, writer);
}

grpc::Status StreamingQuerierService::SearchTagValues(
    grpc::ServerContext* context, const tempopb::SearchTagValuesRequest* request,
    grpc::ServerWriter<tempopb::SearchTagValuesResponse>* writer) {
  auto response = Call(context, HttpTagValuesRequest(*request),
                       [this](net::HttpRequest r, net::Responder respond) {
                         tags_->HandleValues(std::move(r), std::move(respond), false);
                       });
  return Finish(response, writer);
}

grpc::Status StreamingQuerierService::SearchTagValuesV2(
    grpc::ServerContext* context, const tempopb::SearchTagValuesRequest* request,
    grpc::ServerWriter<tempopb::SearchTagValuesV2Response>* writer) {
  auto response = Call(context, HttpTagValuesRequest(*request),
                       [this](net::HttpRequest r, net::Responder respond) {
                         tags_->HandleValues(std::move(r), std::move(respond), true);
                       });
  return Finish(response, writer);
}

}  // namespace vivace::frontend
