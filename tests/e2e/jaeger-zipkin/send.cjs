// Sends one nested trace to vivace with a real Jaeger or Zipkin client library (pinned in
// package.json) and prints the IDs it used as JSON on the last line of stdout:
//   {"traceId":"<32 hex>","root":"<16 hex>","child":"<16 hex>","grandchild":"<16 hex>"}
//
//   node send.cjs jaeger-udp  <port>              jaeger-client, UDP Agent.emitBatch (thrift binary)
//   node send.cjs jaeger-http <url> [tenant]      jaeger-client, POST /api/traces (thrift binary)
//   node send.cjs zipkin-js   <url> [tenant]      zipkin + zipkin-transport-http, Zipkin v2 JSON
//   node send.cjs otel-zipkin <url> [tenant]      OpenTelemetry JS SDK + @opentelemetry/exporter-zipkin
//   node send.cjs jaeger-grpc <host:port> <proto-dir>   @grpc/grpc-js, CollectorService/PostSpans with
//                                                 the messages of Vivace's own jaeger/api_v2 protos
//
// Each trace: a SERVER root with tags of every type the library can send and a log/annotation;
// a CLIENT child with an error; a grandchild (Jaeger: also FOLLOWS_FROM the root). The test
// (jaeger_zipkin_test.cc) reads it back and checks it against Tempo's mapping.
"use strict";

const [mode, target, tenant] = process.argv.slice(2);
const hex = (buf) => Buffer.from(buf).toString("hex");
const pad = (h, n) => h.padStart(n, "0");
const fail = (msg) => {
  console.error(msg);
  process.exit(1);
};

function print(ids) {
  console.log(JSON.stringify(ids));
}

async function jaeger(transport) {
  const { initTracer } = require("jaeger-client");
  const opentracing = require("opentracing");
  const reporter =
    transport === "udp"
      ? { agentHost: "127.0.0.1", agentPort: Number(target), flushIntervalMs: 100 }
      : { collectorEndpoint: target, flushIntervalMs: 100 };
  const errors = [];
  const logger = { info: () => {}, error: (m) => errors.push(m) };
  const tracer = initTracer(
    {
      serviceName: `jaeger-${transport}`,
      sampler: { type: "const", param: 1 },
      reporter: { ...reporter, logSpans: false },
    },
    {
      logger,
      traceId128bit: transport === "http",
      tags: { "deployment.environment": "e2e", "build.number": 42 },
      ...(tenant ? { customHeaders: { "X-Scope-OrgID": tenant } } : {}),
    },
  );
  const root = tracer.startSpan("GET /checkout", {
    tags: {
      "span.kind": "server",
      "http.method": "GET",
      "http.status_code": 200,
      ratio: 0.5,
      cached: true,
      blob: Buffer.from([0, 1, 2]),
      "w3c.tracestate": "vendor=1",
    },
  });
  root.log({ event: "validated", items: 3 });
  const child = tracer.startSpan("charge", {
    childOf: root,
    tags: { "span.kind": "client", "peer.service": "payments" },
  });
  child.setTag("error", true);
  child.log({ event: "retry", attempt: 2 });
  const grandchild = tracer.startSpan("db.query", {
    references: [opentracing.childOf(child.context()), opentracing.followsFrom(root.context())],
    tags: { "span.kind": "internal", "db.system": "postgresql" },
  });
  grandchild.finish();
  child.finish();
  root.finish();
  await new Promise((resolve) => tracer.close(resolve));
  if (errors.length > 0) {
    fail(`jaeger-client errors: ${errors.join("; ")}`);
  }
  const ctx = (s) => s.context();
  print({
    traceId: pad(hex(ctx(root).traceId), 32),
    root: pad(hex(ctx(root).spanId), 16),
    child: pad(hex(ctx(child).spanId), 16),
    grandchild: pad(hex(ctx(grandchild).spanId), 16),
  });
}

async function zipkinJs() {
  const { Tracer, BatchRecorder, ExplicitContext, Annotation, jsonEncoder } = require("zipkin");
  const { HttpLogger } = require("zipkin-transport-http");
  const fetch = require("node-fetch");
  const logger = new HttpLogger({
    endpoint: target,
    jsonEncoder: jsonEncoder.JSON_V2,
    fetchImplementation: fetch,
    headers: tenant ? { "X-Scope-OrgID": tenant } : {},
    httpInterval: 3600 * 1000,  // the test flushes explicitly below
  });
  const tracer = new Tracer({
    ctxImpl: new ExplicitContext(),
    recorder: new BatchRecorder({ logger }),
    localServiceName: "zipkin-js-svc",
    traceId128Bit: true,
  });
  const rootId = tracer.createRootId();
  let childId;
  let grandchildId;
  tracer.letId(rootId, () => {
    tracer.recordServiceName("zipkin-js-svc");
    tracer.recordRpc("GET /checkout");
    tracer.recordAnnotation(new Annotation.ServerRecv());
    tracer.recordBinary("http.method", "GET");
    tracer.recordBinary("http.status_code", "200");
    tracer.recordMessage("validated");
    childId = tracer.createChildId();
  });
  tracer.letId(childId, () => {
    tracer.recordServiceName("zipkin-js-svc");
    tracer.recordRpc("charge");
    tracer.recordAnnotation(new Annotation.ClientSend());
    tracer.recordBinary("error", "card declined");
    tracer.recordMessage("retry");
    grandchildId = tracer.createChildId();
  });
  tracer.letId(grandchildId, () => {
    tracer.recordServiceName("zipkin-js-svc");
    tracer.recordRpc("db.query");
    tracer.recordAnnotation(new Annotation.LocalOperationStart("db.query"));
    tracer.recordBinary("db.system", "postgresql");
    tracer.recordAnnotation(new Annotation.LocalOperationStop());
  });
  tracer.letId(childId, () => tracer.recordAnnotation(new Annotation.ClientRecv()));
  tracer.letId(rootId, () => tracer.recordAnnotation(new Annotation.ServerSend()));
  await new Promise((resolve, reject) => {
    logger.on("success", resolve);
    logger.on("error", reject);
    logger.processQueue(fetch);
  }).catch((e) => fail(`zipkin-js: ${e.message}`));
  print({
    traceId: pad(rootId.traceId, 32),
    root: rootId.spanId,
    child: childId.spanId,
    grandchild: grandchildId.spanId,
  });
}

async function otelZipkin() {
  const { context, SpanKind, SpanStatusCode, trace } = require("@opentelemetry/api");
  const { ZipkinExporter } = require("@opentelemetry/exporter-zipkin");
  const { resourceFromAttributes } = require("@opentelemetry/resources");
  const { BasicTracerProvider, BatchSpanProcessor } = require("@opentelemetry/sdk-trace-base");
  const exporter = new ZipkinExporter({
    url: target,
    headers: tenant ? { "X-Scope-OrgID": tenant } : undefined,
  });
  let failed = null;
  const exportOrig = exporter.export.bind(exporter);
  exporter.export = (spans, done) =>
    exportOrig(spans, (result) => {
      if (result.code !== 0) {
        failed = result.error?.message ?? String(result.code);
      }
      done(result);
    });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "otel-zipkin-svc", "deployment.environment": "e2e" }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("vivace-e2e", "1.2.3");
  const root = tracer.startSpan("GET /checkout", {
    kind: SpanKind.SERVER,
    attributes: { "http.request.method": "GET", "http.response.status_code": 200, ratio: 0.5, cached: true },
  });
  root.addEvent("validated");
  const rootCtx = trace.setSpan(context.active(), root);
  const child = tracer.startSpan("charge", { kind: SpanKind.CLIENT }, rootCtx);
  child.setStatus({ code: SpanStatusCode.ERROR, message: "card declined" });
  const grandchild = tracer.startSpan("db.query", { attributes: { "db.system": "postgresql" } },
                                      trace.setSpan(rootCtx, child));
  grandchild.end();
  child.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  if (failed) {
    fail(`zipkin exporter: ${failed}`);
  }
  print({
    traceId: root.spanContext().traceId,
    root: root.spanContext().spanId,
    child: child.spanContext().spanId,
    grandchild: grandchild.spanContext().spanId,
  });
}

// Jaeger has no gRPC client library: a generic gRPC client (grpc-js, protobufjs through
// proto-loader) posts a batch the way the Jaeger agent / OTel Collector exporter do: parents as
// CHILD_OF references, nanosecond times, a span with its own process, scope and trace state
// tags that only the protobuf path interprets.
async function jaegerGrpc() {
  const grpc = require("@grpc/grpc-js");
  const loader = require("@grpc/proto-loader");
  const crypto = require("crypto");
  const def = loader.loadSync("jaeger/api_v2/collector.proto", {
    includeDirs: [process.argv[4]],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
  });
  const api = grpc.loadPackageDefinition(def).jaeger.api_v2;
  const client = new api.CollectorService(target, grpc.credentials.createInsecure());
  const traceId = crypto.randomBytes(16);
  const [root, child, grandchild] = [0, 1, 2].map(() => crypto.randomBytes(8));
  const t0 = BigInt(Date.now()) * 1000000n + 123456n;  // nanoseconds, not a whole microsecond
  const ts = (ns) => ({ seconds: String(ns / 1000000000n), nanos: Number(ns % 1000000000n) });
  const str = (key, v) => ({ key, v_type: "STRING", v_str: v });
  const ref = (span, type) => ({ trace_id: traceId, span_id: span, ref_type: type });
  const batch = {
    process: { service_name: "jaeger-grpc", tags: [str("hostname", "grpc-box")] },
    spans: [
      {
        trace_id: traceId, span_id: root, operation_name: "GET /checkout",
        start_time: ts(t0), duration: { seconds: "0", nanos: 5000500 },
        tags: [str("span.kind", "server"), { key: "http.status_code", v_type: "INT64", v_int64: "200" },
               { key: "ratio", v_type: "FLOAT64", v_float64: 0.5 }, { key: "cached", v_type: "BOOL", v_bool: true },
               { key: "blob", v_type: "BINARY", v_binary: Buffer.from([0, 1, 2]) },
               str("w3c.tracestate", "vendor=1"), str("otel.scope.name", "checkout-lib"),
               str("otel.scope.version", "2.0")],
        logs: [{ timestamp: ts(t0 + 1000n), fields: [str("event", "validated"), { key: "items", v_type: "INT64", v_int64: "3" }] }],
      },
      {
        trace_id: traceId, span_id: child, operation_name: "charge", references: [ref(root, "CHILD_OF")],
        start_time: ts(t0 + 2000n), duration: { seconds: "0", nanos: 3000 },
        tags: [str("span.kind", "client"), { key: "error", v_type: "BOOL", v_bool: true },
               str("otel.status_description", "card declined")],
      },
      {
        trace_id: traceId, span_id: grandchild, operation_name: "db.query",
        references: [ref(root, "FOLLOWS_FROM"), ref(child, "CHILD_OF")],
        start_time: ts(t0 + 3000n), duration: { seconds: "0", nanos: 1000 },
        tags: [str("db.system", "postgresql")],
        process: { service_name: "postgres", tags: [str("db.version", "16")] },
      },
    ],
  };
  const metadata = new grpc.Metadata();
  if (process.argv[5]) {
    metadata.set("x-scope-orgid", process.argv[5]);
  }
  await new Promise((resolve, reject) =>
    client.PostSpans({ batch }, metadata, (err) => (err ? reject(err) : resolve())),
  ).catch((e) => fail(`PostSpans: ${e.message}`));
  client.close();
  print({ traceId: hex(traceId), root: hex(root), child: hex(child), grandchild: hex(grandchild) });
}

const modes = {
  "jaeger-udp": () => jaeger("udp"),
  "jaeger-http": () => jaeger("http"),
  "zipkin-js": zipkinJs,
  "otel-zipkin": otelZipkin,
  "jaeger-grpc": jaegerGrpc,
};
if (!modes[mode] || !target) {
  fail("usage: node send.cjs <jaeger-udp|jaeger-http|zipkin-js|otel-zipkin|jaeger-grpc> <port|url> ...");
}
modes[mode]().catch((e) => fail(e.stack || String(e)));
