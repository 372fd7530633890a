import { randomBytes } from 'node:crypto';

/** Where the sample keeps sessions. */
export type SampleStoreConfig = { kind: 'memory' } | { kind: 'redis'; url: string; prefix?: string };

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

/** Reads the sample's configuration from environment variables (see docs/SAMPLE-HTTP.md). */
export function readSampleConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const production = env['NODE_ENV'] === 'production';
  const port = readPort(env['PORT']);
  const { secrets, generated } = readSecrets(env['SESSION_SECRET'], production);
  return {
    port,
    store: readStore(env['SESSION_STORE'], env['REDIS_URL']),
    secrets,
    secretGenerated: generated,
    trustProxy: readTrustProxy(env['TRUST_PROXY']),
    appOrigin: readOrigin(env['APP_ORIGIN'] ?? `http://localhost:${port}`),
    production,
    idleTimeout: readSeconds('SESSION_IDLE_TIMEOUT', env['SESSION_IDLE_TIMEOUT']),
    absoluteTimeout: readSeconds('SESSION_ABSOLUTE_TIMEOUT', env['SESSION_ABSOLUTE_TIMEOUT']),
  };
}

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new SampleConfigError(`PORT must be a port number (0-65535), not ${JSON.stringify(value)}.`);
  }
  return port;
}

function readStore(kind: string | undefined, redisUrl: string | undefined): SampleStoreConfig {
  if (kind === undefined || kind === '' || kind === 'memory') return { kind: 'memory' };
  if (kind === 'redis') return { kind: 'redis', url: readRedisUrl(redisUrl ?? DEFAULT_REDIS_URL) };
  throw new SampleConfigError(
    `SESSION_STORE must be "memory" (default) or "redis", not ${JSON.stringify(kind)}` +
      ' (redis-cluster and redis-sentinel are not supported by this sample yet).',
  );
}

function readRedisUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
    throw new SampleConfigError(`REDIS_URL must be a redis:// or rediss:// URL, not ${JSON.stringify(value)}.`);
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
