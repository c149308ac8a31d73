// A SigV4-checking front for s3rver, which accepts any signature itself (spec test-peers.md
// §4): every request is re-signed with the AWS SDK's own signer (@smithy/signature-v4) and
// forwarded only when the signatures match; a wrong secret gets 403 SignatureDoesNotMatch and
// a body whose SHA-256 differs from x-amz-content-sha256 gets 400, as from S3.
// Requests reach s3rver one at a time: s3rver keeps objects as files and is not atomic under
// concurrency (a read racing a write sees a torn object; a write racing a delete in the same
// prefix crashes it), which S3 is. Clients still run concurrently against the proxy.
// ListObjectsV2 with a delimiter is answered here from s3rver's full listing: s3rver 3.7.1
// omits a CommonPrefix unless an object sits directly below it (t/ is missing when only
// t/b/meta.json exists), where S3 lists it. Pages hold max-keys (default 1000) entries, as S3's.
// (s3rver's own pagination walks directory by directory, not in byte order, and so skips keys
// like "t/a-b" after a page that ended inside "t/a/"; tests avoid such names.)
// usage: node sigv4-proxy.mjs <listenPort> <s3rverPort> [accessKey] [secret]
import http from 'node:http';
import crypto from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

const [LP, BP, AK = 'S3RVER', SK = 'S3RVER'] =
    [+process.argv[2], +process.argv[3], process.argv[4], process.argv[5]];

class Sha256 {
  constructor(key) { this.h = key ? crypto.createHmac('sha256', key) : crypto.createHash('sha256'); }
  update(d) { this.h.update(typeof d === 'string' ? Buffer.from(d) : d); }
  async digest() { return new Uint8Array(this.h.digest()); }
}

const enc = s => encodeURIComponent(s).replace(/[!'()*]/g,
    c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const fail = (res, code, status, msg) => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<Error><Code>${code}</Code><Message>${msg}</Message></Error>`);
};
const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/;

let queue = Promise.resolve();
const serialized = fn => {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
};

const forward = (req, res, body) => new Promise(resolve => {
  const up = http.request({ host: '127.0.0.1', port: BP, method: req.method, path: req.url,
                            headers: req.headers }, r => {
    const chunks = [];
    r.on('data', c => chunks.push(c));
    r.on('end', () => {
      res.writeHead(r.statusCode, r.headers);
      res.end(Buffer.concat(chunks));
      resolve();
    });
    r.on('error', e => { fail(res, 'BadGateway', 502, String(e)); resolve(); });
  });
  up.on('error', e => { fail(res, 'BadGateway', 502, String(e)); resolve(); });
  up.end(body);
});

const xmlDecode = s => s.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-fA-F]+|#[0-9]+);/g,
    (_, e) => e[0] === '#'
        ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : +e.slice(1))
        : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]);
const xmlEncode = s => s.replace(/[<>&"']/g,
    c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);

const getText = path => new Promise((resolve, reject) => {
  http.get({ host: '127.0.0.1', port: BP, path }, r => {
    const chunks = [];
    r.on('data', c => chunks.push(c));
    r.on('end', () => resolve({ status: r.statusCode, body: Buffer.concat(chunks).toString() }));
  }).on('error', reject);
});

async function listWithDelimiter(u, res) {
  const bucket = u.pathname.split('/')[1];
  const prefix = u.searchParams.get('prefix') || '';
  const delim = u.searchParams.get('delimiter');
  const maxKeys = Math.max(1, +(u.searchParams.get('max-keys') || 1000));
  const token = u.searchParams.get('continuation-token');
  const objects = [];
  let ct = '';
  for (;;) {
    const r = await getText(`/${bucket}?list-type=2&prefix=${enc(prefix)}` +
                            (ct ? `&continuation-token=${enc(ct)}` : ''));
    if (r.status !== 200) {
      res.writeHead(r.status, { 'content-type': 'application/xml' });
      return res.end(r.body);
    }
    for (const m of r.body.matchAll(/<Contents>.*?<Key>([^<]*)<\/Key>.*?<Size>(\d+)<\/Size>.*?<\/Contents>/g)) {
      objects.push({ key: xmlDecode(m[1]), size: m[2] });
    }
    const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(r.body);
    if (!/<IsTruncated>true<\/IsTruncated>/.test(r.body) || !next) break;
    ct = xmlDecode(next[1]);
  }
  const entries = new Map();
  for (const o of objects) {
    const i = o.key.indexOf(delim, prefix.length);
    if (i < 0) entries.set(o.key, o);
    else entries.set(o.key.slice(0, i + delim.length), { prefix: o.key.slice(0, i + delim.length) });
  }
  const all = [...entries.keys()].sort().map(k => entries.get(k));
  const start = token ? +Buffer.from(token, 'base64').toString() : 0;
  const page = all.slice(start, start + maxKeys);
  const truncated = start + maxKeys < all.length;
  let xml = '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Name>${xmlEncode(bucket)}</Name><Prefix>${xmlEncode(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
      `<MaxKeys>${maxKeys}</MaxKeys><Delimiter>${xmlEncode(delim)}</Delimiter><IsTruncated>${truncated}</IsTruncated>`;
  if (truncated) xml += `<NextContinuationToken>${Buffer.from(String(start + maxKeys)).toString('base64')}</NextContinuationToken>`;
  for (const e of page) {
    xml += e.prefix !== undefined
        ? `<CommonPrefixes><Prefix>${xmlEncode(e.prefix)}</Prefix></CommonPrefixes>`
        : `<Contents><Key>${xmlEncode(e.key)}</Key><Size>${e.size}</Size></Contents>`;
  }
  res.writeHead(200, { 'content-type': 'application/xml' });
  res.end(xml + '</ListBucketResult>');
}

http.createServer(async (req, res) => {
  try {
    const m = AUTH.exec(req.headers.authorization || '');
    if (!m) return fail(res, 'AccessDenied', 403, 'no SigV4 authorization');
    if (m[1] !== AK) return fail(res, 'InvalidAccessKeyId', 403, m[1]);
    const u = new URL(req.url, 'http://x');
    const query = {};
    for (const [k, v] of u.searchParams) query[k] = v;
    const headers = {};
    for (const h of m[4].split(';')) headers[h] = req.headers[h] ?? '';
    const d = req.headers['x-amz-date'] || '';
    const date = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
    const path = u.pathname.split('/').map(s => enc(decodeURIComponent(s))).join('/');
    const signer = new SignatureV4({
      credentials: { accessKeyId: AK, secretAccessKey: SK }, region: m[2], service: m[3],
      sha256: Sha256, uriEscapePath: false, applyChecksum: false,
    });
    const signed = await signer.sign({
      method: req.method, protocol: 'http:', hostname: (req.headers.host || '').split(':')[0],
      path, query, headers,
    }, { signingDate: date });
    if (/Signature=([0-9a-f]+)/.exec(signed.headers.authorization)[1] !== m[5]) {
      return fail(res, 'SignatureDoesNotMatch', 403, 'the request signature does not match');
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const ph = req.headers['x-amz-content-sha256'] || '';
    if (/^[0-9a-f]{64}$/.test(ph) && crypto.createHash('sha256').update(body).digest('hex') !== ph) {
      return fail(res, 'XAmzContentSHA256Mismatch', 400, 'payload hash mismatch');
    }
    if (req.method === 'GET' && u.searchParams.get('list-type') === '2' && u.searchParams.get('delimiter')) {
      await serialized(() => listWithDelimiter(u, res));
    } else {
      await serialized(() => forward(req, res, body));
    }
  } catch (e) {
    fail(res, 'InternalError', 500, String(e));
  }
}).listen(LP, '127.0.0.1', () => console.log(`sigv4-proxy listening on ${LP}`));
