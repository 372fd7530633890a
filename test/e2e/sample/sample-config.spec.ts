import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { SessionOptionsError } from '../../../lib/index.js';
import { readSampleConfig, SampleConfigError } from '../../../sample/config/sample.config.js';
import { createSampleApp } from '../../../sample/sample.app.js';
import { setCookies } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, expectError, login, SampleHarness, SECRET, sessionCookie } from './sample-harness.js';

/** 32 bytes as base64 and as hex (what MFA_ENCRYPTION_KEY takes). */
const KEY_B64 = randomBytes(32).toString('base64');
const KEY_HEX = randomBytes(32).toString('hex');

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readSampleConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(SampleConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('sample configuration from the environment', () => {
  it('defaults: port 3000, memory store, a random secret, APP_ORIGIN http://localhost:3000, development', () => {
    const config = readSampleConfig({});
    expect(config).toMatchObject({
      port: 3000,
      store: { kind: 'memory' },
      secretGenerated: true,
      trustProxy: undefined,
      appOrigin: 'http://localhost:3000',
      production: false,
      idleTimeout: undefined,
      absoluteTimeout: undefined,
      rotateInterval: undefined,
      mfaMaxAttempts: undefined,
      mfaEncryptionKeys: undefined,
      loginThrottle: { maxPerAccount: 10, maxPerIp: 50, window: 900_000 },
    });
    expect(config.secrets).toHaveLength(1);
    expect(Buffer.byteLength(config.secrets[0]!)).toBeGreaterThanOrEqual(32);
    expect(readSampleConfig({}).secrets[0]).not.toBe(config.secrets[0]);
  });

  it('reads every variable', () => {
    const config = readSampleConfig({
      PORT: '8080',
      SESSION_STORE: 'redis',
      REDIS_URL: 'rediss://cache.internal:6380/2',
      SESSION_SECRET: 'first-secret,second-secret',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      APP_ORIGIN: 'HTTPS://App.Example.com:443/',
      NODE_ENV: 'production',
      SESSION_IDLE_TIMEOUT: '600',
      SESSION_ABSOLUTE_TIMEOUT: '3600',
      SESSION_ROTATE_INTERVAL: '300',
      MFA_MAX_ATTEMPTS: '3',
      MFA_ENCRYPTION_KEY: `k2:${KEY_B64},k1:${KEY_HEX}`,
      MFA_END_OTHER_SESSIONS: 'true',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '4',
      LOGIN_MAX_FAILURES_PER_IP: '20',
      LOGIN_THROTTLE_WINDOW: '60',
      TOKEN_TTL: '120',
      GEOIP_DB: '/data/GeoLite2-City.mmdb',
      ANOMALY_LOCATION_ACTION: 'step-up',
    });
    expect(config).toEqual({
      port: 8080,
      store: { kind: 'redis', url: 'rediss://cache.internal:6380/2' },
      secrets: ['first-secret', 'second-secret'],
      secretGenerated: false,
      trustProxy: 'loopback, 10.0.0.0/8',
      appOrigin: 'https://app.example.com',
      production: true,
      idleTimeout: 600_000,
      absoluteTimeout: 3_600_000,
      rotateInterval: 300_000,
      mfaMaxAttempts: 3,
      mfaEncryptionKeys: [
        { id: 'k2', key: KEY_B64 },
        { id: 'k1', key: KEY_HEX },
      ],
      mfaEndOtherSessions: true,
      loginThrottle: { maxPerAccount: 4, maxPerIp: 20, window: 60_000 },
      tokenTtl: 120_000,
      // A fresh Ed25519 signing key per start.
      tokenKeys: [{ key: expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', d: expect.any(String) }) }],
      geoipDb: '/data/GeoLite2-City.mmdb',
      anomalyLocationAction: 'step-up',
    });
  });

  it('ANOMALY_LOCATION_ACTION: report by default; anything but report, step-up or end is refused by name', () => {
    expect(readSampleConfig({}).anomalyLocationAction).toBe('report');
    expect(readSampleConfig({}).geoipDb).toBeUndefined();
    for (const value of ['block', 'END', 'step_up', '__proto__', '\u0000']) {
      expect(() => readSampleConfig({ ANOMALY_LOCATION_ACTION: value })).toThrow(/ANOMALY_LOCATION_ACTION/);
    }
  });

  it('MFA_ENCRYPTION_KEY: one key is the key "k1"; required in production, with a message saying how to make one', () => {
    expect(readSampleConfig({ MFA_ENCRYPTION_KEY: KEY_B64 }).mfaEncryptionKeys).toEqual([{ id: 'k1', key: KEY_B64 }]);
    const message = refusal({ NODE_ENV: 'production', SESSION_SECRET: SECRET });
    expect(message).toContain('MFA_ENCRYPTION_KEY is required when NODE_ENV=production');
    expect(message).toContain('randomBytes(32)');
    expect(
      readSampleConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, MFA_ENCRYPTION_KEY: KEY_HEX }).production,
    ).toBe(true);
  });

  it('APP_ORIGIN follows PORT; REDIS_URL defaults to the local Redis; TRUST_PROXY booleans and hop counts', () => {
    expect(readSampleConfig({ PORT: '4000' }).appOrigin).toBe('http://localhost:4000');
    expect(readSampleConfig({ SESSION_STORE: 'redis' }).store).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379' });
    expect(
      readSampleConfig({ SESSION_STORE: 'redis-cluster', REDIS_NODES: 'redis://127.0.0.1:7000, redis://127.0.0.1:7001' }).store,
    ).toEqual({ kind: 'redis-cluster', rootNodes: ['redis://127.0.0.1:7000', 'redis://127.0.0.1:7001'] });
    expect(
      readSampleConfig({ SESSION_STORE: 'redis-sentinel', REDIS_SENTINELS: 'h1:26379,h2:26380', REDIS_MASTER_NAME: 'm' }).store,
    ).toEqual({ kind: 'redis-sentinel', sentinels: [{ host: 'h1', port: 26379 }, { host: 'h2', port: 26380 }], name: 'm' });
    expect(readSampleConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(readSampleConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(readSampleConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it.each([
    [{ SESSION_STORE: 'mongodb' }, 'SESSION_STORE'],
    [{ SESSION_STORE: 'redis-cluster' }, 'REDIS_NODES'],
    [{ SESSION_STORE: 'redis-cluster', REDIS_NODES: 'http://a:1' }, 'REDIS_NODES'],
    [{ SESSION_STORE: 'redis-sentinel', REDIS_SENTINELS: 'a:1' }, 'REDIS_MASTER_NAME'],
    [{ SESSION_STORE: 'redis-sentinel', REDIS_SENTINELS: 'a', REDIS_MASTER_NAME: 'm' }, 'REDIS_SENTINELS'],
    [{ SESSION_STORE: 'redis', REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET'],
    [{ SESSION_SECRET: 'a,,b' }, 'SESSION_SECRET'],
    [{ APP_ORIGIN: 'https://app.example.com/login' }, 'APP_ORIGIN'],
    [{ APP_ORIGIN: 'app.example.com' }, 'APP_ORIGIN'],
    [{ APP_ORIGIN: 'https://user@app.example.com' }, 'APP_ORIGIN'],
    [{ SESSION_IDLE_TIMEOUT: '10m' }, 'SESSION_IDLE_TIMEOUT'],
    [{ SESSION_IDLE_TIMEOUT: '0' }, 'SESSION_IDLE_TIMEOUT'],
    [{ SESSION_ABSOLUTE_TIMEOUT: '-5' }, 'SESSION_ABSOLUTE_TIMEOUT'],
    [{ SESSION_ABSOLUTE_TIMEOUT: '1.5' }, 'SESSION_ABSOLUTE_TIMEOUT'],
    [{ SESSION_ROTATE_INTERVAL: '0' }, 'SESSION_ROTATE_INTERVAL'],
    [{ SESSION_ROTATE_INTERVAL: '15m' }, 'SESSION_ROTATE_INTERVAL'],
    [{ TOKEN_TTL: '5m' }, 'TOKEN_TTL'],
    [{ SESSION_ROTATE_INTERVAL: ' 60' }, 'SESSION_ROTATE_INTERVAL'],
    [{ MFA_MAX_ATTEMPTS: '0' }, 'MFA_MAX_ATTEMPTS'],
    [{ MFA_MAX_ATTEMPTS: '101' }, 'MFA_MAX_ATTEMPTS'],
    [{ MFA_MAX_ATTEMPTS: 'five' }, 'MFA_MAX_ATTEMPTS'],
    [{ MFA_ENCRYPTION_KEY: `k1:${KEY_B64},${KEY_HEX}` }, 'MFA_ENCRYPTION_KEY'],
    [{ MFA_ENCRYPTION_KEY: `bad id:${KEY_B64}` }, 'MFA_ENCRYPTION_KEY'],
    [{ MFA_ENCRYPTION_KEY: 'k1:' }, 'MFA_ENCRYPTION_KEY'],
    [{ LOGIN_MAX_FAILURES_PER_ACCOUNT: '0' }, 'LOGIN_MAX_FAILURES_PER_ACCOUNT'],
    [{ LOGIN_MAX_FAILURES_PER_IP: '1e3' }, 'LOGIN_MAX_FAILURES_PER_IP'],
    [{ LOGIN_THROTTLE_WINDOW: '15m' }, 'LOGIN_THROTTLE_WINDOW'],
    [{ MFA_END_OTHER_SESSIONS: 'yes' }, 'MFA_END_OTHER_SESSIONS'],
  ])('refuses %j with a message naming %s', (env, name) => {
    expect(refusal(env)).toContain(name);
  });

  it('createSampleApp refuses what the module refuses (a short secret or key in production) and a bad TRUST_PROXY', async () => {
    const shortSecret = readSampleConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'short',
      MFA_ENCRYPTION_KEY: KEY_B64,
    });
    await expect(createSampleApp(shortSecret, { logger: false })).rejects.toBeInstanceOf(SessionOptionsError);
    const shortKey = readSampleConfig({ SESSION_SECRET: SECRET, MFA_ENCRYPTION_KEY: 'k1:c2hvcnQ' });
    const refused = createSampleApp(shortKey, { logger: false });
    await expect(refused).rejects.toBeInstanceOf(SessionOptionsError);
    await expect(refused).rejects.toThrow(/mfa\.encryptionKeys\[0\] \("k1"\)\.key must be exactly 32 bytes/);
    const badProxy = readSampleConfig({ SESSION_SECRET: SECRET, TRUST_PROXY: 'not-an-address' });
    await expect(createSampleApp(badProxy, { logger: false })).rejects.toThrow(/TRUST_PROXY/);
  });
});

describe.each(STORES)('sample configuration takes effect on $name', (store) => {
  const sample = new SampleHarness(store, 'sample-config');
  afterEach(async () => {
    vi.useRealTimers();
    await sample.stop();
  });
  afterAll(() => sample.cleanUp());

  it('NODE_ENV=production (with MFA_ENCRYPTION_KEY): the strict Secure __Host-sid cookie', async () => {
    await sample.start({ NODE_ENV: 'production', MFA_ENCRYPTION_KEY: KEY_B64 });
    const res = await login(sample.client(), ALICE);
    expect(res.status).toBe(200);
    const [cookie] = setCookies(res);
    expect(cookie!.name).toBe('__Host-sid');
    expect(cookie!.attributes).toMatchObject({ secure: true, httponly: true, path: '/' });
  });

  it('SESSION_IDLE_TIMEOUT is seconds: a session idle for longer is dead', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await sample.start({ SESSION_IDLE_TIMEOUT: '60' });
    const client = sample.client();
    await login(client, ALICE);
    vi.setSystemTime(Date.now() + 59_000);
    expect((await client.get('/api/me')).status).toBe(200);
    vi.setSystemTime(Date.now() + 61_000);
    expectError(await client.get('/api/me'), 401, 'unauthenticated');
  });

  it('SESSION_ABSOLUTE_TIMEOUT is seconds: an active session dies that long after login', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await sample.start({ SESSION_IDLE_TIMEOUT: '60', SESSION_ABSOLUTE_TIMEOUT: '120' });
    const client = sample.client();
    await login(client, ALICE);
    for (const _step of [1, 2]) {
      vi.setSystemTime(Date.now() + 50_000);
      expect((await client.get('/api/me')).status).toBe(200);
    }
    vi.setSystemTime(Date.now() + 21_000);
    expectError(await client.get('/api/me'), 401, 'unauthenticated');
  });

  it('SESSION_ROTATE_INTERVAL is seconds: the ID is replaced on the first request after it, same device, old ID dead after the grace window', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await sample.start({ SESSION_ROTATE_INTERVAL: '60' });
    const client = sample.client();
    const loggedIn = await login(client, ALICE);
    const first = sessionCookie(loggedIn)!.value;
    // The suite's store may still hold alice's sessions of earlier tests: compare the current row.
    const device = async () =>
      ((await client.get('/api/sessions')).body as { id: string; current: boolean }[]).find((row) => row.current)?.id;
    const handle = await device();
    expect(handle).toBeDefined();

    vi.setSystemTime(Date.now() + 59_000);
    const early = await client.get('/api/me');
    expect(early.status).toBe(200);
    expect(sessionCookie(early)).toBeUndefined();

    vi.setSystemTime(Date.now() + 2_000);
    const stolen = client.clone();
    const rotated = await client.get('/api/me');
    expect(rotated.status).toBe(200);
    expect(sessionCookie(rotated)!.value).not.toBe(first);
    // The same session under a new ID: the device list shows it with the same handle.
    expect(await device()).toBe(handle);
    // The old ID works through the grace window (the module's default, 10 s), then it is dead.
    expect((await stolen.clone().get('/api/me')).status).toBe(200);
    vi.setSystemTime(Date.now() + 31_000);
    expectError(await stolen.get('/api/me'), 401, 'unauthenticated');
    expect((await client.get('/api/me')).status).toBe(200);
  });

  // Memory sessions die with the process, so rotation across restarts shows on a shared store only.
  it.skipIf(store.name === 'memory')('a comma-separated SESSION_SECRET rotates: the old secret still verifies', async () => {
    await sample.start({ SESSION_SECRET: `${SECRET}-old` });
    const before = sample.client();
    await login(before, ALICE);
    await sample.stop();
    await sample.start({ SESSION_SECRET: `${SECRET}-new,${SECRET}-old` });
    const after = sample.client();
    for (const [name, value] of before.jar) after.jar.set(name, value);
    expect((await after.get('/api/me')).body.user).toEqual({ id: ALICE.id, username: 'alice', mfaEnrolled: false });
    // Without the old secret the cookie no longer verifies.
    await sample.stop();
    await sample.start({ SESSION_SECRET: `${SECRET}-new` });
    const unknown = sample.client();
    for (const [name, value] of before.jar) unknown.jar.set(name, value);
    expectError(await unknown.get('/api/me'), 401, 'unauthenticated');
  });
});
