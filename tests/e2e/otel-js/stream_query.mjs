// Calls tempopb.StreamingQuerier with the gRPC client grpc-js (as Grafana's streaming mode
// calls it), the service loaded from Vivace's proto files. Prints one JSON line per streamed
// message, then {"end":true} or {"error":{code,details}}.
// Usage: node stream_query.mjs <host:port> <proto dir> <method> <request JSON> [tenant]
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const [addr, protoDir, method, requestJson, tenant] = process.argv.slice(2);
const def = protoLoader.loadSync('tempopb/tempo.proto', {
  includeDirs: [protoDir],
  keepCase: true,
  longs: String,
});
const pkg = grpc.loadPackageDefinition(def);
const client = new pkg.tempopb.StreamingQuerier(addr, grpc.credentials.createInsecure());
const md = new grpc.Metadata();
if (tenant) md.set('x-scope-orgid', tenant);
const call = client[method](JSON.parse(requestJson), md);
call.on('data', (m) => console.log(JSON.stringify({ message: m })));
call.on('error', (e) => {
  console.log(JSON.stringify({ error: { code: e.code, details: e.details } }));
  client.close();
});
call.on('end', () => {
  console.log(JSON.stringify({ end: true }));
  client.close();
});
