/**
 * Sealed-cookie sessions' per-request crypto in one process, without HTTP: sealing a typical
 * logged-in record (node:crypto AES-256-GCM, as the response head is written) and opening it
 * (jose compactDecrypt, as a request arrives), plus refusing a tampered one. The deny-list read
 * is a store read (see store-read.ts). Prints one JSON line.
 * Run: node --import @swc-node/register/esm-register bench/sealed-cookie.ts
 */
import { randomBytes } from 'node:crypto';
import { SealedCookieCodec } from '../lib/sealed/sealed-cookie-codec.js';

const N = 50_000;
const codec = new SealedCookieCodec([{ id: 'k1', key: randomBytes(32) }], '__Host-sid');
const now = Date.now();
const record = {
  sid: randomBytes(24).toString('base64url'),
  exp: now + 30 * 60_000,
  data: {
    auth: { user: { id: 'user-1234', username: 'alice' }, authenticatedAt: now, mfa: 'none' as const },
    meta: {
      createdAt: now,
      lastSeenAt: now,
      handle: randomBytes(16).toString('base64url'),
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      idIssuedAt: now,
    },
  },
};

async function nsPer(n: number, run: () => unknown): Promise<number> {
  for (let i = 0; i < 2_000; i++) await run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await run();
  return Number(process.hrtime.bigint() - start) / n;
}

const sealed = codec.seal(record as never);
const tampered = `${sealed.slice(0, -3)}AAA`;
const sealNs = await nsPer(N, () => codec.seal(record as never));
const openNs = await nsPer(N, () => codec.open(sealed));
const refuseNs = await nsPer(N, () => codec.open(tampered));
console.log(
  JSON.stringify({
    cookieBytes: sealed.length,
    sealPerSecond: Math.round(1e9 / sealNs),
    openPerSecond: Math.round(1e9 / openNs),
    refuseTamperedPerSecond: Math.round(1e9 / refuseNs),
  }),
);
