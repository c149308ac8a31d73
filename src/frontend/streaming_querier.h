#pragma once

// Tempo's gRPC streaming query API, tempopb.StreamingQuerier, on the main gRPC port: Search,
// SearchTags, SearchTagsV2, SearchTagValues and SearchTagValuesV2 (Grafana's streaming search
// and its Save & test). Each call is turned into the request of the matching HTTP endpoint
// (as Tempo's frontend builds HTTP requests from them) and answered by the same handlers, so
// parameters, limits and error texts are the HTTP ones; the tenant comes from the
// `x-scope-orgid` metadata. Errors map as Tempo's: 400 InvalidArgument, 401 Unauthenticated,
// 404 NotFound, 429 ResourceExhausted, 499 Cancelled, 5xx Internal, other Unknown; the message
// is the HTTP body. Search streams, as Tempo's, a partial answer every 500 ms (the traces
// found since the previous message, the metrics so far) and then the whole answer; the tag
// calls stream their final answer only.
// MetricsQueryRange and MetricsQueryInstant answer Unimplemented (no TraceQL metrics yet).

#include <chrono>

#include "frontend/search_handler.h"
#include "frontend/tags_handler.h"
#include "tempopb/tempo.grpc.pb.h"

namespace vivace::frontend {

class StreamingQuerierService final : public tempopb::StreamingQuerier::Service {
 public:
  // Search streams a partial answer every `progress_interval` (Tempo: 500 ms).
  StreamingQuerierService(
      const SearchHandler* search, const TagsHandler* tags,
      std::chrono::milliseconds progress_interval = std::chrono::milliseconds(500))
      : search_(search), tags_(tags), progress_interval_(progress_interval) {}

  grpc::Status Search(grpc::ServerContext* context, const tempopb::SearchRequest* request,
                      grpc::ServerWriter<tempopb::SearchResponse>* writer) override;
  grpc::Status SearchTags(grpc::ServerContext* context, const tempopb::SearchTagsRequest* request,
                          grpc::ServerWriter<tempopb::SearchTagsResponse>* writer) override;
  grpc::Status SearchTagsV2(grpc::ServerContext* context, const tempopb::SearchTagsRequest* request,
                            grpc::ServerWriter<tempopb::SearchTagsV2Response>* writer) override;
  grpc::Status SearchTagValues(
      grpc::ServerContext* context, const tempopb::SearchTagValuesRequest* request,
      grpc::ServerWriter<tempopb::SearchTagValuesResponse>* writer) override;
  grpc::Status SearchTagValuesV2(
      grpc::ServerContext* context, const tempopb::SearchTagValuesRequest* request,
      grpc::ServerWriter<tempopb::SearchTagValuesV2Response>* writer) override;

 private:
  const SearchHandler* search_;
  const TagsHandler* tags_;
  std::chrono::milliseconds progress_interval_;
};

// The HTTP requests the calls become (exposed for tests).
net::HttpRequest HttpSearchRequest(const tempopb::SearchRequest& r);
net::HttpRequest HttpTagsRequest(const tempopb::SearchTagsRequest& r);
net::HttpRequest HttpTagValuesRequest(const tempopb::SearchTagValuesRequest& r);
// The gRPC status of an HTTP error answer.
grpc::Status GrpcStatusOf(const net::HttpResponse& response);

}  // namespace vivace::frontend
