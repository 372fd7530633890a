import { compactDecrypt } from 'jose';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BrowserClient } from '../../support/http-client.js';
import { redisAvailable, type StoreUnderTest } from '../../support/stores.js';
import { ALICE, BOB, COOKIE, expectError, login, SampleHarness, sessionCookie } from './sample-harness.js';

/** SESSION_STORE=cookie; REDIS_URL set puts the deny list in Redis, empty keeps it in memory. */
const COOKIE_STORE = { name: 'cookie', options: () => undefined } as unknown as StoreUnderTest;
const DENY_LISTS = [
  { name: 'memory deny list', env: { REDIS_URL: '' } },
  ...(redisAvailable ? [{ name: 'Redis deny list', env: {} }] : []),
];

describe.each(DENY_LISTS)('sample with SESSION_STORE=cookie ($name)', ({ env }) => {
  const sample = new SampleHarness(COOKIE_STORE, 'sample-sealed');
  afterEach(() => sample.stop());
  afterAll(() => sample.cleanUp());

  it('logs in with a sealed session cookie (JWE) with the session attributes; /api/me works', async () => {
    await sample.start(env);
    const client = sample.client();
    const res = await login(client, ALICE);
    expect(res.status).toBe(200);
    const cookie = sessionCookie(res)!;
    expect(cookie.attributes).toMatchObject({ path: '/', httponly: true, secure: true, samesite: 'Lax' });
    expect(cookie.attributes['domain']).toBeUndefined();
    expect(cookie.value.split('.')).toHaveLength(5);
    expect(Buffer.from(cookie.value.split('.')[3]!, 'base64url').toString('latin1')).not.toContain(ALICE.id);
    expect((await client.get('/api/me')).body.user).toEqual({ id: ALICE.id, username: 'alice', mfaEnrolled: false });
  });

  it('issues a new cookie at every login, and the previous one is dead (fixation)', async () => {
    await sample.start(env);
    const client = sample.client();
    const first = await login(client, ALICE);
    const before = client.clone();
    const second = await login(client, BOB);
    expect(sessionCookie(second)!.value).not.toBe(sessionCookie(first)!.value);
    expectError(await before.get('/api/me'), 401, 'unauthenticated');
    expect((await client.get('/api/me')).body.user.id).toBe(BOB.id);
  });

  it('logout expires the cookie, and the cookie captured before it is refused when replayed', async () => {
    await sample.start(env);
    const client = sample.client();
    await login(client, ALICE);
    const captured = client.clone();
    const res = await client.post('/api/auth/logout');
    expect(res.status).toBe(204);
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    const expired = sessionCookie(res)!;
    expect(Date.parse(expired.attributes['expires'] as string)).toBeLessThanOrEqual(Date.now());
    expectError(await captured.get('/api/me'), 401, 'unauthenticated');
  });

  it('answers tampered and junk cookies as anonymous (401), never 500', async () => {
    await sample.start(env);
    const client = sample.client();
    await login(client, ALICE);
    const value = client.cookie(COOKIE)!;
    const parts = value.split('.');
    const junk = [
      ...[0, 2, 3, 4].map((i) => parts.map((p, j) => (j === i ? `${p.slice(0, -2)}AA` : p)).join('.')),
      value.slice(0, 200),
      'x'.repeat(8000),
      '%ED%A0%80',
      '%00',
    ];
    for (const bad of junk) {
      const forged = new BrowserClient(sample.app);
      forged.jar.set(COOKIE, bad);
      const res = await forged.get('/api/me');
      expect([401, 431]).toContain(res.status);
    }
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('MFA works on sealed cookies: enrol, then a login is pending until the code, with a NEW cookie at each step', async () => {
    await sample.start(env, { clock: true });
    const client = sample.client();
    await login(client, ALICE);
    const { secret } = await sample.enrol(client);
    const fresh = sample.client();
    expect((await login(fresh, ALICE)).body.mfa).toBe('required');
    const pending = fresh.cookie(COOKIE)!;
    expectError(await fresh.get('/api/me'), 403, 'mfa_required');
    const verified = await fresh.post('/api/auth/mfa/verify', { code: await sample.code(secret) });
    expect(verified.status).toBe(200);
    expect(sessionCookie(verified)!.value).not.toBe(pending);
    expect((await fresh.get('/api/me')).status).toBe(200);
    const replayed = new BrowserClient(sample.app);
    replayed.jar.set(COOKIE, pending);
    expect((await replayed.get('/api/me')).status).toBe(401);
  });

  it('logs neither the cookie nor the session ID inside it, also for refused and replayed cookies', async () => {
    const lines: string[] = [];
    const keep = (...args: unknown[]) => void lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    await sample.start(env, { logger: { log: keep, warn: keep, error: keep, debug: keep, verbose: keep, fatal: keep } });
    const client = sample.client();
    await login(client, ALICE);
    const captured = client.cookie(COOKIE)!;
    const { keys } = sample.config.store as unknown as { keys: Array<{ key: Buffer }> };
    const opened = await compactDecrypt(captured, new Uint8Array(keys[0]!.key));
    const sid = JSON.parse(new TextDecoder().decode(opened.plaintext)).sid as string;
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    const replayed = new BrowserClient(sample.app);
    replayed.jar.set(COOKIE, captured);
    expect((await replayed.get('/api/me')).status).toBe(401);
    replayed.jar.set(COOKIE, `${captured.slice(0, -4)}AAAA`);
    expect((await replayed.get('/api/me')).status).toBe(401);
    expect(lines.some((line) => line.includes('session.replayed'))).toBe(true);
    for (const secret of [captured, captured.split('.')[3]!, sid]) {
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });

  it('has no device list and no tokens: those routes say so instead of pretending', async () => {
    await sample.start(env);
    const client = sample.client();
    await login(client, ALICE);
    expectError(await client.get('/api/sessions'), 501, 'devices_not_configured');
    expectError(await client.delete('/api/sessions/some-handle'), 501, 'devices_not_configured');
    expectError(await client.post('/api/sessions/revoke-others'), 501, 'devices_not_configured');
    expect((await client.post('/api/tokens')).status).toBe(404);
    expect((await client.get('/.well-known/jwks.json')).status).toBe(404);
    expect((await client.get('/api/me')).status).toBe(200);
  });
});

describe.runIf(redisAvailable)('sample with SESSION_STORE=cookie on two instances (Redis deny list)', () => {
  const sample = new SampleHarness(COOKIE_STORE, 'sample-sealed-two');
  afterEach(() => sample.stop());
  afterAll(() => sample.cleanUp());

  it('a logout on one instance refuses the replayed cookie on the other', async () => {
    await sample.start();
    const other = await sample.startAnother();
    const client = sample.client();
    await login(client, ALICE);
    const onOther = sample.client(other);
    onOther.jar.set(COOKIE, client.cookie(COOKIE)!);
    expect((await onOther.get('/api/me')).status).toBe(200);
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expectError(await onOther.get('/api/me'), 401, 'unauthenticated');
  });
});
