/**
 * Monitoring's per-request costs in one process, without HTTP: a MaxMind lookup on the test
 * database, a User-Agent parse (ua-parser-js), and SessionMonitor.check for a request from the
 * session's known IP (the common case) and from a new IP (lookup + rule; every other call is a
 * 1258 km jump, whose event the Nest logger prints: that logging dominates). Prints one JSON line.
 * Run: node --import @swc-node/register/esm-register bench/monitoring.ts
 */
import type { Request } from 'express';
import { summarizeUserAgent } from '../lib/devices/user-agent.js';
import { MaxMindGeoResolver } from '../lib/monitoring/maxmind-geo-resolver.js';
import { SessionMonitor } from '../lib/monitoring/session-monitor.js';
import { MemorySecurityActivityStore } from '../lib/monitoring/memory-security-activity.store.js';
import { resolveSessionOptions } from '../lib/options/resolve-session-options.js';
import { SessionEventEmitter } from '../lib/events/session-event-emitter.js';
import type { SessionIdOperations } from '../lib/http/session-id-operations.js';

const N = 200_000;
const geo = new MaxMindGeoResolver({ path: new URL('../test/fixtures/geoip/GeoLite2-City-Test.mmdb', import.meta.url).pathname, watchInterval: 0 });
const options = resolveSessionOptions({ secret: 'x'.repeat(32), monitoring: { geo } }, { warn: () => undefined });
const monitor = new SessionMonitor(options, {} as SessionIdOperations, new SessionEventEmitter({ onEvent: undefined }), () => Date.now(), new MemorySecurityActivityStore());

function nsPer(n: number, run: (i: number) => unknown): number {
  for (let i = 0; i < 10_000; i++) run(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run(i);
  return Number(process.hrtime.bigint() - start) / n;
}

const request = (ip: string) =>
  ({
    ip,
    headers: {},
    get: () => undefined,
    app: { get: () => undefined },
    socket: {},
    session: {
      auth: { user: { id: 'u' }, authenticatedAt: 0, mfa: 'none' },
      meta: { createdAt: 0, lastSeenAt: 0, handle: 'h', geo: { ip: '81.2.69.142', at: 0, location: { country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931, accuracyRadiusKm: 10 } } },
    },
  }) as unknown as Request;

const same = request('81.2.69.142');
const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const result = {
  maxmindLookupNs: Math.round(nsPer(N, () => geo.lookup('81.2.69.142'))),
  userAgentParseNs: Math.round(nsPer(2_000, (i) => summarizeUserAgent(`${firefox} ${i}`))),
  userAgentRememberedNs: Math.round(nsPer(N, () => summarizeUserAgent(firefox))),
  checkSameIpNs: Math.round(nsPer(N, () => monitor.check(same))),
  checkNewIpNs: Math.round(nsPer(N / 10, (i) => monitor.check(request(i % 2 ? '2.125.160.217' : '89.160.20.115')))),
};
geo.close();
console.log(JSON.stringify(result));
