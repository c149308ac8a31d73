#include "distributor/distributor.h"

#include <fmt/format.h>

#include "common/hex.h"
#include "common/logging.h"
#include "distributor/metrics.h"
#include "model/regroup.h"
#include "model/tenant.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace vivace::distributor {
namespace {

// Debug logging of each span (distributor.log_received_spans / log_discarded_spans). Rare, so it
// decodes the request with message objects.
void LogSpans(ByteView body, const config::LogSpansConfig& cfg, std::string_view msg,
              const std::string& tenant) {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest req;
  if (!req.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return;
  }
  for (const auto& rs : req.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& s : ss.spans()) {
        if (cfg.filter_by_status_error && s.status().code() != 2) {
          continue;
        }
        VV_INFO(msg, {"tenant", tenant}, {"spanid", HexEncode(s.span_id())},
                {"traceid", HexEncode(s.trace_id())}, {"span_name", s.name()},
                {"span_kind", static_cast<int>(s.kind())});
      }
    }
  }
}

}  // namespace

Distributor::Distributor(const config::Config& config, const overrides::Overrides* overrides,
                         TraceSink* sink, const Clock* clock)
    : multitenancy_(config.multitenancy_enabled),
      max_attribute_bytes_(config.distributor.max_attribute_bytes),
      retry_after_(config.distributor.retry_after_on_resource_exhausted),
      log_received_(config.distributor.log_received_spans),
      log_discarded_(config.distributor.log_discarded_spans),
      overrides_(overrides),
      sink_(sink),
      clock_(clock) {}

void Distributor::SetGenerator(TraceSink* generator,
                               std::function<bool(const std::string&)> enabled) {
  generator_ = generator;
  generator_enabled_ = std::move(enabled);
}

void Distributor::Push(PushRequest request, std::function<void(PushResult)> done) {
  int64_t start = clock_->MonotonicNanos();
  auto tenant_or = model::ResolveWriteTenant(multitenancy_, request.tenant_header);
  if (!tenant_or.ok()) {
    done({tenant_or.status()});
    return;
  }
  const std::string tenant = std::move(tenant_or).value();
  auto limits = overrides_->ForTenant(tenant);
  int64_t max_attr = limits->ingestion_max_attribute_bytes > 0 ? limits->ingestion_max_attribute_bytes
                                                                : max_attribute_bytes_;
  auto scan = model::ScanExportRequest(request.body.view(),
                                       {.max_attribute_bytes = static_cast<size_t>(max_attr)});
  if (!scan.ok()) {
    done({scan.status()});
    return;
  }
  const uint32_t spans = scan->span_count();
  const auto size = static_cast<int64_t>(scan->proto_size());
  IngressBytesTotal().WithLabels({tenant}).Inc(static_cast<double>(size));
  if (spans == 0) {
    done({Status::Ok()});
    return;
  }

  auto rate = static_cast<double>(limits->ingestion_rate_limit_bytes);
  auto burst = static_cast<double>(limits->ingestion_burst_size_bytes);
  if (!limiter_.AllowN(tenant, size, rate, burst, clock_->MonotonicNanos())) {
    DiscardedSpansTotal().WithLabels({"rate_limited", tenant}).Inc(spans);
    int64_t limit = limits->ingestion_rate_limit_bytes;
    int64_t b = limits->ingestion_burst_size_bytes;
    std::string msg;
    if (size > limit && size > b) {
      msg = fmt::format(
          "RATE_LIMITED: batch size ({} bytes) exceeds ingestion limit (local: {} bytes/s, global: "
          "{} bytes/s, burst: {} bytes) while adding {} bytes for user {}. consider reducing batch "
          "size or increasing rate limit.",
          size, limit, limit, b, size, tenant);
    } else {
      msg = fmt::format(
          "RATE_LIMITED: ingestion rate limit (local: {} bytes/s, global: {} bytes/s, burst: {} "
          "bytes) exceeded while adding {} bytes for user {}. consider increasing the limit or "
          "reducing ingestion rate.",
          limit, limit, b, size, tenant);
    }
    if (log_discarded_.enabled) {
      LogSpans(request.body.view(), log_discarded_, "discarded", tenant);
    }
    done({Status::ResourceExhausted(std::move(msg)),
          limits->ingestion_retry_info_enabled ? retry_after_ : Duration(0), spans});
    return;
  }

  BytesReceivedTotal().WithLabels({tenant}).Inc(static_cast<double>(size));
  SpansReceivedTotal().WithLabels({tenant}).Inc(spans);
  if (log_received_.enabled) {
    LogSpans(request.body.view(), log_received_, "received", tenant);
  }

  if (!scan->id_error().ok()) {
    DiscardedSpansTotal().WithLabels({scan->id_error_reason(), tenant}).Inc(spans);
    if (log_discarded_.enabled) {
      LogSpans(request.body.view(), log_discarded_, "discarded", tenant);
    }
    done({scan->id_error(), Duration(0), spans});
    return;
  }
  const model::WalkFindings& findings = scan->findings();
  for (int s = 0; s < static_cast<int>(model::AttributeScope::kCount); ++s) {
    if (findings.truncated[s] > 0) {
      AttributesTruncatedTotal()
          .WithLabels({tenant, model::AttributeScopeName(static_cast<model::AttributeScope>(s))})
          .Inc(findings.truncated[s]);
    }
  }

  model::RegroupedBatch batch = scan->Regroup();
  TracesPerBatch().WithLabels().Observe(static_cast<double>(batch.traces.size()));
  if (generator_ != nullptr && generator_enabled_(tenant)) {
    MetricsGeneratorPushesTotal().WithLabels({"local"}).Inc();
    generator_->PushTraces(tenant, batch, [](const Status& s) {
      if (!s.ok()) {
        MetricsGeneratorPushFailuresTotal().WithLabels({"local"}).Inc();
      }
    });
  }
  const Clock* clock = clock_;
  sink_->PushTraces(tenant, std::move(batch),
                    [done = std::move(done), start, clock, spans](Status s) {
                      PushDurationSeconds().WithLabels().Observe(
                          static_cast<double>(clock->MonotonicNanos() - start) / 1e9);
                      done({std::move(s), Duration(0), spans});
                    });
}

}  // namespace vivace::distributor
