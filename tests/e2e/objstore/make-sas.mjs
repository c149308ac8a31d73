// Prints an account shared access signature (the query string) for an Azurite account, signed
// by Azurite's own signing code, so Vivace's SAS support is checked against the server's idea of
// a valid token rather than against ours.
//   node make-sas.mjs <account> <base64 key> <permissions> <expiry, e.g. 2099-01-01T00:00:00Z>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { generateAccountSASSignature } = require(
  'azurite/dist/src/common/authentication/IAccountSASSignatureValues.js');

const [account, key, permissions, expiry] = process.argv.slice(2);
const values = {
  version: '2021-08-06',
  permissions,
  services: 'b',
  resourceTypes: 'sco',
  expiryTime: expiry,
  protocol: 'https,http',
};
const [sig] = generateAccountSASSignature(values, account, Buffer.from(key, 'base64'));
const query = new URLSearchParams({
  sv: values.version,
  ss: values.services,
  srt: values.resourceTypes,
  sp: permissions,
  se: expiry,
  spr: values.protocol,
  sig,
});
console.log(query.toString());
