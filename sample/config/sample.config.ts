import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AccessTokenKey, AnomalyAction, MfaEncryptionKey } from '../../lib/index.js';
import { readCookieStore, type SampleCookieStoreConfig } from '../sealed/sealed-cookie-config.js';

/** Where the sample keeps sessions. */
export type SampleStoreConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; url: string; prefix?: string }
  | { kind: 'redis-cluster'; rootNodes: string[] }
  | { kind: 'redis-sentinel'; sentinels: Array<{ host: string; port: number }>; name: string }
  | SampleCookieStoreConfig;

/** The express `trust proxy` setting, as TRUST_PROXY spells it. */
export type TrustProxySetting = boolean | number | string;

/** Everything the sample reads from its environment, typed and checked. */
export interface SampleConfig {
  /** Listening port on 127.0.0.1 (0 = any free port). */
  port: number;
  store: SampleStoreConfig;
  /** Cookie-signing secrets; the first signs, all verify. */
  secrets: string[];
  /** True when SESSION_SECRET was unset and a random secret was made for this start. */
  secretGenerated: boolean;
  /** Express `trust proxy`; undefined leaves Express's default (trust nothing). */
  trustProxy: TrustProxySetting | undefined;
  /** The public origin (`scheme://host[:port]`) state-changing requests must come from. */
  appOrigin: string;
  /** NODE_ENV=production: strict cookies, no development shortcuts. */
  production: boolean;
  /** Milliseconds, as the module takes them; undefined = the module's default. */
  idleTimeout: number | undefined;
  absoluteTimeout: number | undefined;
  /** The session ID is replaced on the first request after this long; undefined = the module's default. */
  rotateInterval: number | undefined;
  /** Failed MFA codes per account before `locked`; undefined = the module's default. */
  mfaMaxAttempts: number | undefined;
  /**
   * Keys that encrypt TOTP secrets at rest, the first encrypts; undefined = the module derives one
   * from the session secret (refused in production).
   */
  mfaEncryptionKeys: MfaEncryptionKey[] | undefined;
  /**
   * Whether an MFA change ends the user's other sessions. The sample's contract says enrolling
   * leaves them alone (revoke-others is there for that), so it is false unless
   * MFA_END_OTHER_SESSIONS=true; the module's own default is true.
   */
  mfaEndOtherSessions: boolean;
  loginThrottle: LoginThrottleConfig;
  /** How long an access token lives (ms); undefined = the module's default (5 minutes). */
  tokenTtl: number | undefined;
  /**
   * The key that signs access tokens: an Ed25519 key made at start-up (instances started from
   * one configuration share it, like the tests' two instances do).
   */
  tokenKeys: AccessTokenKey[];
  /** GEOIP_DB: a MaxMind City or Country `.mmdb`; undefined = no locations. */
  geoipDb: string | undefined;
  /** ANOMALY_LOCATION_ACTION: what a location jump or an impossible travel does. */
  anomalyLocationAction: AnomalyAction;
  /** Single sign-on with an OpenID Provider (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET); undefined: none. */
  oidc: SampleOidcConfig | undefined;
}

/** The OpenID Provider the sample signs in with; its redirect and logout URIs hang off APP_ORIGIN. */
export interface SampleOidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
}

/** Failed password logins allowed per account and per client network in one window. */
export interface LoginThrottleConfig {
  maxPerAccount: number;
  maxPerIp: number;
  /** Milliseconds. */
  window: number;
}

/** A bad environment variable: the sample exits with this message. */
export class SampleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SampleConfigError';
  }
}

const DEFAULT_PORT = 3000;
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** OWASP's usual figures: a few typos never hurt, a password spray from one network soon stops. */
export const LOGIN_THROTTLE_DEFAULTS: LoginThrottleConfig = { maxPerAccount: 10, maxPerIp: 50, window: 15 * 60_000 };
const KEY_HINT = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

/** Reads the sample's configuration from environment variables (see docs/SAMPLE-HTTP.md). */
export function readSampleConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const production = env['NODE_ENV'] === 'production';
  const port = readPort(env['PORT']);
  const { secrets, generated } = readSecrets(env['SESSION_SECRET'], production);
  return {
    port,
    store: readStore(env, production),
    secrets,
    secretGenerated: generated,
    trustProxy: readTrustProxy(env['TRUST_PROXY']),
    appOrigin: readOrigin(env['APP_ORIGIN'] ?? `http://localhost:${port}`),
    production,
    idleTimeout: readSeconds('SESSION_IDLE_TIMEOUT', env['SESSION_IDLE_TIMEOUT']),
    absoluteTimeout: readSeconds('SESSION_ABSOLUTE_TIMEOUT', env['SESSION_ABSOLUTE_TIMEOUT']),
    rotateInterval: readSeconds('SESSION_ROTATE_INTERVAL', env['SESSION_ROTATE_INTERVAL']),
    mfaMaxAttempts: readCount('MFA_MAX_ATTEMPTS', env['MFA_MAX_ATTEMPTS'], 100),
    mfaEncryptionKeys: readEncryptionKeys(env['MFA_ENCRYPTION_KEY'], production),
    mfaEndOtherSessions: readFlag('MFA_END_OTHER_SESSIONS', env['MFA_END_OTHER_SESSIONS']) ?? false,
    tokenTtl: readSeconds('TOKEN_TTL', env['TOKEN_TTL']),
    tokenKeys: [{ key: generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) }],
    loginThrottle: {
      maxPerAccount:
        readCount('LOGIN_MAX_FAILURES_PER_ACCOUNT', env['LOGIN_MAX_FAILURES_PER_ACCOUNT']) ??
        LOGIN_THROTTLE_DEFAULTS.maxPerAccount,
      maxPerIp:
        readCount('LOGIN_MAX_FAILURES_PER_IP', env['LOGIN_MAX_FAILURES_PER_IP']) ?? LOGIN_THROTTLE_DEFAULTS.maxPerIp,
      window: readSeconds('LOGIN_THROTTLE_WINDOW', env['LOGIN_THROTTLE_WINDOW']) ?? LOGIN_THROTTLE_DEFAULTS.window,
    },
    geoipDb: env['GEOIP_DB'] === '' ? undefined : env['GEOIP_DB'],
    anomalyLocationAction: readAnomalyAction(env['ANOMALY_LOCATION_ACTION']),
    oidc: readOidc(env),
  };
}

function readAnomalyAction(value: string | undefined): AnomalyAction {
  if (value === undefined || value === '') return 'report';
  if (value === 'report' || value === 'step-up' || value === 'end') return value;
  throw new SampleConfigError(`ANOMALY_LOCATION_ACTION must be "report", "step-up" or "end", not ${JSON.stringify(value)}.`);
}

/** OIDC_ISSUER and OIDC_CLIENT_ID together turn single sign-on on; OIDC_CLIENT_SECRET is optional (public client). */
function readOidc(env: Record<string, string | undefined>): SampleOidcConfig | undefined {
  const issuer = env['OIDC_ISSUER'] ?? '';
  const clientId = env['OIDC_CLIENT_ID'] ?? '';
  const clientSecret = env['OIDC_CLIENT_SECRET'];
  if (issuer === '' && clientId === '') return undefined;
  if (issuer === '' || clientId === '') {
    throw new SampleConfigError('Single sign-on needs both OIDC_ISSUER and OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET for a confidential client).');
  }
  if (!/^https?:\/\//i.test(issuer)) throw new SampleConfigError(`OIDC_ISSUER must be an http(s) URL, not ${JSON.stringify(issuer)}.`);
  return { issuer, clientId, clientSecret: clientSecret === '' ? undefined : clientSecret };
}

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new SampleConfigError(`PORT must be a port number (0-65535), not ${JSON.stringify(value)}.`);
  }
  return port;
}

function readStore(env: Record<string, string | undefined>, production: boolean): SampleStoreConfig {
  const kind = env['SESSION_STORE'];
  if (kind === 'cookie') {
    const redisUrl = env['REDIS_URL'] ? readRedisUrl(env['REDIS_URL']) : undefined;
    const cookie = readCookieStore(env['SESSION_COOKIE_KEY'], redisUrl, production);
    if (typeof cookie === 'string') throw new SampleConfigError(cookie);
    return cookie;
  }
  if (kind === undefined || kind === '' || kind === 'memory') return { kind: 'memory' };
  if (kind === 'redis') return { kind: 'redis', url: readRedisUrl(env['REDIS_URL'] ?? DEFAULT_REDIS_URL) };
  if (kind === 'redis-cluster') {
    const nodes = splitList(env['REDIS_NODES']);
    if (nodes.length === 0) {
      throw new SampleConfigError('SESSION_STORE=redis-cluster needs REDIS_NODES=redis://host:port,redis://host:port,...');
    }
    return { kind: 'redis-cluster', rootNodes: nodes.map((node) => readRedisUrl(node, 'REDIS_NODES')) };
  }
  if (kind === 'redis-sentinel') {
    const sentinels = splitList(env['REDIS_SENTINELS']).map(readHostPort);
    const name = env['REDIS_MASTER_NAME'] ?? '';
    if (sentinels.length === 0 || name === '') {
      throw new SampleConfigError(
        'SESSION_STORE=redis-sentinel needs REDIS_SENTINELS=host:port,host:port,... and REDIS_MASTER_NAME.',
      );
    }
    return { kind: 'redis-sentinel', sentinels, name };
  }
  throw new SampleConfigError(
    `SESSION_STORE must be "memory" (default), "redis", "redis-cluster", "redis-sentinel" or "cookie", not ${JSON.stringify(kind)}.`,
  );
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function readHostPort(value: string): { host: string; port: number } {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port > 0 && port <= 65_535)) {
    throw new SampleConfigError(`REDIS_SENTINELS entries must be host:port, not ${JSON.stringify(value)}.`);
  }
  return { host: match[1]!, port };
}

function readRedisUrl(value: string, variable = 'REDIS_URL'): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
    throw new SampleConfigError(`${variable} must hold redis:// or rediss:// URLs, not ${JSON.stringify(value)}.`);
  }
  return value;
}

function readSecrets(value: string | undefined, production: boolean): { secrets: string[]; generated: boolean } {
  if (value === undefined || value.trim() === '') {
    if (production) {
      throw new SampleConfigError(
        'SESSION_SECRET is required when NODE_ENV=production (comma-separated for rotation, first signs); generate one' +
          ` with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`,
      );
    }
    return { secrets: [randomBytes(32).toString('base64url')], generated: true };
  }
  const secrets = value.split(',').map((s) => s.trim());
  if (secrets.some((s) => s === '')) {
    throw new SampleConfigError('SESSION_SECRET has an empty entry; separate secrets with single commas.');
  }
  return { secrets, generated: false };
}

/** `true`/`false`, a hop count, or what Express accepts as a string (`loopback`, IPs, CIDRs, comma lists). */
function readTrustProxy(value: string | undefined): TrustProxySetting | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function readOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // Browsers send Origin as scheme://host[:port] only; anything more could never match.
  const shaped = /^https?:\/\/[^/?#@]+\/?$/i.test(value);
  if (!url || !['http:', 'https:'].includes(url.protocol) || !shaped) {
    throw new SampleConfigError(
      `APP_ORIGIN must be an origin like https://app.example.com (no path), not ${JSON.stringify(value)}.`,
    );
  }
  return url.origin;
}

function readSeconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new SampleConfigError(`${name} must be a whole number of seconds >= 1, not ${JSON.stringify(value)}.`);
  }
  return seconds * 1_000;
}

function readFlag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new SampleConfigError(`${name} must be true or false, not ${JSON.stringify(value)}.`);
}

function readCount(name: string, value: string | undefined, max = 1_000_000): number | undefined {
  if (value === undefined || value === '') return undefined;
  const count = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > max) {
    throw new SampleConfigError(`${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)}.`);
  }
  return count;
}

/**
 * MFA_ENCRYPTION_KEY: one key (32 bytes as base64, base64url or 64 hex characters), which is the
 * key `k1`, or a rotation list `k2:<new key>,k1:<old key>` (the first encrypts). The module
 * checks each key's length; a wrong one is refused at start-up with its id in the message.
 */
function readEncryptionKeys(value: string | undefined, production: boolean): MfaEncryptionKey[] | undefined {
  if (value === undefined || value.trim() === '') {
    if (production) {
      throw new SampleConfigError(
        `MFA_ENCRYPTION_KEY is required when NODE_ENV=production (32 random bytes, base64 or hex; it encrypts TOTP secrets at rest); ${KEY_HINT}`,
      );
    }
    return undefined;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && !entries[0]!.includes(':')) return [{ id: 'k1', key: entries[0]! }];
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const id = colon === -1 ? '' : entry.slice(0, colon);
    const key = entry.slice(colon + 1);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id) || key === '') {
      throw new SampleConfigError(
        'MFA_ENCRYPTION_KEY must be one key, or a comma-separated list of id:key (ids of A-Z a-z 0-9 _ -, the first key encrypts).',
      );
    }
    return { id, key };
  });
}
