import { createPublicKey, verify as verifySignature, type JsonWebKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, APP_ORIGIN, BOB, expectError, login, perTestHarness, type SampleHarness } from '../sample/sample-harness.js';
import { decode } from './token-forgery.js';
import { bearerGet, expectSessionEnded, tokenFor } from './sample-token-client.js';

const HANDLE = /^[A-Za-z0-9_-]{22}$/;
const CROSS_SITE = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' };

async function currentHandle(client: BrowserClient): Promise<string> {
  const rows = (await client.get('/api/sessions')).body as Array<{ id: string; current: boolean }>;
  return rows.find((row) => row.current)!.id;
}

describe.each(STORES)('sample: session-bound access tokens on $name', (store) => {
  const harness = perTestHarness(store, 'sample-tokens');
  let sample: SampleHarness;
  beforeEach(async () => {
    sample = harness();
    await sample.start();
  });

  async function loggedIn(user = ALICE): Promise<BrowserClient> {
    const client = sample.client();
    expect((await login(client, user)).status).toBe(200);
    return client;
  }

  it('POST /api/tokens mints an EdDSA at+jwt bound to the session handle; /api/token/me accepts it', async () => {
    const alice = await loggedIn();
    const res = await alice.post('/api/tokens');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType']);
    expect(res.body.tokenType).toBe('Bearer');
    expect(res.body.expiresIn).toBe(300);
    expect(res.headers['cache-control']).toBe('no-store');

    const { header, payload } = decode(res.body.accessToken);
    expect(header).toEqual({ alg: 'EdDSA', kid: expect.any(String), typ: 'at+jwt' });
    const handle = await currentHandle(alice);
    expect(payload).toMatchObject({ iss: APP_ORIGIN, aud: APP_ORIGIN, sub: ALICE.id, sid: handle });
    expect(payload['exp']).toBe((payload['iat'] as number) + 300);
    expect(payload['jti']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The device handle, never the session ID (nor anything of the cookie).
    expect(res.body.accessToken).not.toContain(alice.cookie('sid')!.slice(2, 20));

    const me = await bearerGet(sample.app, '/api/token/me', res.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: { id: ALICE.id, username: ALICE.username }, sid: handle });
    // Two tokens of one session differ (jti).
    expect(decode(await tokenFor(alice)).payload['jti']).not.toBe(payload['jti']);
  });

  it('an independent verifier (jose createRemoteJWKSet on the JWKS URL, and node:crypto) accepts the token', async () => {
    const token = await tokenFor(await loggedIn());
    await sample.app.listen(0, '127.0.0.1');
    const { port } = sample.app.getHttpServer().address() as AddressInfo;
    const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: APP_ORIGIN, audience: APP_ORIGIN, typ: 'at+jwt' });
    expect(payload.sub).toBe(ALICE.id);
    expect(protectedHeader.alg).toBe('EdDSA');

    const set = (await request(sample.app.getHttpServer()).get('/.well-known/jwks.json')).body as { keys: JsonWebKey[] };
    const jwk = set.keys.find((key) => (key as { kid?: string }).kid === protectedHeader.kid)!;
    const [head, body, signature] = token.split('.');
    const ok = verifySignature(null, Buffer.from(`${head}.${body}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature!, 'base64url'));
    expect(ok).toBe(true);
  });

  it('GET /.well-known/jwks.json serves public keys only, cacheable', async () => {
    const res = await request(sample.app.getHttpServer()).get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys as Array<Record<string, string>>;
    expect(Object.keys(key!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(JSON.stringify(res.body)).not.toContain('"d"');
  });

  it('a bearer token never authenticates a cookie route; a cookie never authenticates /api/token/me', async () => {
    const alice = await loggedIn();
    const token = await tokenFor(alice);
    expectError(await bearerGet(sample.app, '/api/me', token), 401, 'unauthenticated');
    expectError(await bearerGet(sample.app, '/api/sessions', token), 401, 'unauthenticated');
    const tokenMinted = await request(sample.app.getHttpServer())
      .post('/api/tokens')
      .set('X-Forwarded-Proto', 'https')
      .set('Authorization', `Bearer ${token}`);
    expectError(tokenMinted, 401, 'unauthenticated');

    const cookieOnly = await alice.get('/api/token/me');
    expectError(cookieOnly, 401, 'invalid_token');
    expect(cookieOnly.headers['www-authenticate']).toBe('Bearer');
  });

  it('POST /api/tokens: 401 anonymous, 403 csrf cross-site, 403 mfa_required while MFA is pending', async () => {
    expectError(await sample.client().post('/api/tokens'), 401, 'unauthenticated');
    const alice = await loggedIn();
    expectError(await alice.post('/api/tokens', undefined, CROSS_SITE), 403, 'csrf');
    await sample.enrol(alice);
    const pending = await loggedIn();
    expectError(await pending.post('/api/tokens'), 403, 'mfa_required');
  });

  it('session_ended on the very next request after logout', async () => {
    const alice = await loggedIn();
    const token = await tokenFor(alice);
    expect((await bearerGet(sample.app, '/api/token/me', token)).status).toBe(200);
    expect((await alice.post('/api/auth/logout')).status).toBe(204);
    expectSessionEnded(await bearerGet(sample.app, '/api/token/me', token));
  });

  it('session_ended after the session is revoked from another device; other sessions keep theirs', async () => {
    const laptop = await loggedIn();
    const phone = await loggedIn();
    const laptopToken = await tokenFor(laptop);
    const phoneToken = await tokenFor(phone);
    const bob = await tokenFor(await loggedIn(BOB));
    expect((await phone.delete(`/api/sessions/${await currentHandle(laptop)}`)).status).toBe(204);
    expectSessionEnded(await bearerGet(sample.app, '/api/token/me', laptopToken));
    expect((await bearerGet(sample.app, '/api/token/me', phoneToken)).status).toBe(200);
    expect((await bearerGet(sample.app, '/api/token/me', bob)).status).toBe(200);
    expect((await phone.post('/api/sessions/revoke-others')).status).toBe(204);
    expect((await bearerGet(sample.app, '/api/token/me', phoneToken)).status).toBe(200);
  });

  it('a token outlives an ID rotation of its session (same handle)', async () => {
    await sample.stop();
    await sample.start({ SESSION_ROTATE_INTERVAL: '1' });
    const alice = await loggedIn();
    const token = await tokenFor(alice);
    const before = alice.cookie('sid');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await alice.get('/api/me')).status).toBe(200);
    expect(alice.cookie('sid')).not.toBe(before);
    expect((await bearerGet(sample.app, '/api/token/me', token)).status).toBe(200);
  });
});

describe.each(STORES)('sample: an MFA change ends the tokens of other sessions on $name', (store) => {
  const harness = perTestHarness(store, 'sample-tokens-mfa');

  it('enrolling elsewhere (MFA_END_OTHER_SESSIONS=true) refuses the other session\'s token: session_ended', async () => {
    const sample = harness();
    await sample.start({ MFA_END_OTHER_SESSIONS: 'true' }, { clock: true });
    const laptop = sample.client();
    expect((await login(laptop, ALICE)).status).toBe(200);
    const phone = sample.client();
    expect((await login(phone, ALICE)).status).toBe(200);
    const laptopToken = await tokenFor(laptop);
    const phoneToken = await tokenFor(phone);
    const { secret } = await sample.enrol(phone);
    expectSessionEnded(await bearerGet(sample.app, '/api/token/me', laptopToken));
    // The session that changed MFA keeps its token (same session, same handle).
    expect((await bearerGet(sample.app, '/api/token/me', phoneToken)).status).toBe(200);
    // A new full login (password + code) gets a token again.
    const again = await sample.fullyLoggedIn(ALICE, secret);
    expect((await bearerGet(sample.app, '/api/token/me', await tokenFor(again))).status).toBe(200);
  });
});

describe('sample: tokens across two instances on redis', () => {
  const redis = STORES.find((store) => store.name === 'redis');
  const harness = perTestHarness(redis ?? STORES[0]!, 'sample-tokens-two');

  it.skipIf(!redis)('a token minted on one instance works on the other, and is refused there right after logout on the first', async () => {
    const sample = harness();
    await sample.start();
    const other = await sample.startAnother();
    const alice = sample.client();
    expect((await login(alice, ALICE)).status).toBe(200);
    const token = await tokenFor(alice);
    expect((await bearerGet(other, '/api/token/me', token)).status).toBe(200);
    const bob = sample.client(other);
    expect((await login(bob, BOB)).status).toBe(200);
    const bobToken = await tokenFor(bob);
    expect((await bearerGet(sample.app, '/api/token/me', bobToken)).status).toBe(200);

    expect((await alice.post('/api/auth/logout')).status).toBe(204);
    expectSessionEnded(await bearerGet(other, '/api/token/me', token));
    // Revocation on the second instance, seen by the first.
    const bobPhone = sample.client(other);
    expect((await login(bobPhone, BOB)).status).toBe(200);
    expect((await bobPhone.post('/api/sessions/revoke-others')).status).toBe(204);
    expectSessionEnded(await bearerGet(sample.app, '/api/token/me', bobToken));
  });
});
