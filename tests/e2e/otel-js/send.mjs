// Sends one nested trace to vivace with the real OpenTelemetry JS SDK and prints its IDs as JSON.
//   node send.mjs <http-json|http-proto|grpc> <url>
// url: http://127.0.0.1:<port>/v1/traces for the HTTP exporters, http://127.0.0.1:<port> for gRPC.

import { context, diag, DiagLogLevel, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as GrpcExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

const [kind, url, tenant] = process.argv.slice(2);
const headers = tenant ? { "X-Scope-OrgID": tenant } : undefined;
let failed = false;
diag.setLogger(
  {
    error: (...a) => { failed = true; console.error("otel error:", ...a); },
    warn: (...a) => console.error("otel warn:", ...a),
    info: () => {}, debug: () => {}, verbose: () => {},
  },
  DiagLogLevel.WARN,
);

const exporters = {
  "http-json": () => new JsonExporter({ url, headers }),
  "http-proto": () => new ProtoExporter({ url, headers }),
  grpc: () => new GrpcExporter({ url }),
};
if (!exporters[kind]) {
  console.error(`unknown exporter ${kind}`);
  process.exit(2);
}
const exporter = exporters[kind]();
// Fail loudly if an export is refused, instead of the SDK only logging it.
const exportOrig = exporter.export.bind(exporter);
exporter.export = (spans, done) =>
  exportOrig(spans, (result) => {
    if (result.code !== 0) {
      failed = true;
      console.error("export failed:", result.error?.message ?? result);
    }
    done(result);
  });

const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ "service.name": `e2e-${kind}`, "deployment.environment": "test" }),
  spanProcessors: [new BatchSpanProcessor(exporter)],
});
const tracer = provider.getTracer("vivace-e2e", "1.2.3");

const root = tracer.startSpan("GET /checkout", {
  kind: SpanKind.SERVER,
  attributes: {
    "http.request.method": "GET",
    "http.response.status_code": 200,
    ratio: 0.5,
    cached: true,
    tags: ["a", "b"],
  },
});
const rootCtx = trace.setSpan(context.active(), root);
const child = tracer.startSpan("charge", { kind: SpanKind.CLIENT, attributes: { "peer.service": "payments" } }, rootCtx);
child.addEvent("retry", { attempt: 2 });
child.setStatus({ code: SpanStatusCode.ERROR, message: "card declined" });
const grandchild = tracer.startSpan(
  "db.query",
  { kind: SpanKind.INTERNAL, attributes: { "db.system": "postgresql" } },
  trace.setSpan(rootCtx, child),
);
grandchild.end();
child.end();
root.end();

await provider.forceFlush();
await provider.shutdown();
if (failed) {
  process.exit(1);
}
console.log(JSON.stringify({
  traceId: root.spanContext().traceId,
  root: root.spanContext().spanId,
  child: child.spanContext().spanId,
  grandchild: grandchild.spanContext().spanId,
}));
