import { createPublicKey, type JsonWebKey } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidTokenException, SessionTokens } from '../../../lib/index.js';
import { useSessionTestClock, type SessionTestClock } from '../../../lib/testing/index.js';
import { STORES } from '../../support/stores.js';
import { ALICE, APP_ORIGIN, login, perTestHarness, type SampleHarness } from '../sample/sample-harness.js';
import { bearerGet, expectInvalidToken, expectSessionEnded, tokenFor } from './sample-token-client.js';
import { b64url, decode, encodeJson, hmacToken, newEd25519Jwk, newP256Jwk, publicJwkOf, rawToken, signJson, signRaw } from './token-forgery.js';

type Claims = Record<string, unknown>;

/** Everything a refused token is built from: a real token of alice's live session and the sample's key. */
interface Material {
  token: string;
  header: Claims;
  claims: Claims;
  privateJwk: JsonWebKey;
}

const [HEAD, BODY, SIG] = [0, 1, 2];
const part = (token: string, i: number) => token.split('.')[i]!;
const now = () => Math.floor(Date.now() / 1000);

/**
 * Each case turns a valid token (whose session is alive) into one that must be refused with
 * 401 invalid_token. Tokens signed with the sample's real key prove it is the claim, the header or
 * the type check that refuses them, not the signature.
 */
const CASES: Array<[string, (m: Material) => string]> = [
  ['tampered payload (sub changed, signature kept)', (m) => `${part(m.token, HEAD)}.${encodeJson({ ...m.claims, sub: 'user-bob' })}.${part(m.token, SIG)}`],
  ['tampered payload (exp extended, signature kept)', (m) => `${part(m.token, HEAD)}.${encodeJson({ ...m.claims, exp: now() + 86_400 })}.${part(m.token, SIG)}`],
  ['tampered header (kid kept, typ respelled)', (m) => `${encodeJson({ ...m.header, typ: 'AT+JWT ' })}.${part(m.token, BODY)}.${part(m.token, SIG)}`],
  ['tampered header (an extra member)', (m) => `${encodeJson({ ...m.header, x: 1 })}.${part(m.token, BODY)}.${part(m.token, SIG)}`],
  ['tampered signature (one bit)', (m) => {
    const sig = Buffer.from(part(m.token, SIG), 'base64url');
    sig[0]! ^= 1;
    return `${part(m.token, HEAD)}.${part(m.token, BODY)}.${b64url(sig)}`;
  }],
  ['alg none, empty signature', (m) => `${encodeJson({ ...m.header, alg: 'none' })}.${part(m.token, BODY)}.`],
  ['alg none, some signature', (m) => `${encodeJson({ ...m.header, alg: 'none' })}.${part(m.token, BODY)}.${b64url('x')}`],
  ['alg NONE with the original signature', (m) => `${encodeJson({ ...m.header, alg: 'NONE' })}.${part(m.token, BODY)}.${part(m.token, SIG)}`],
  ['HS256 signed with the public key (raw x bytes)', (m) =>
    hmacToken({ ...m.header, alg: 'HS256' }, m.claims, Buffer.from(publicJwkOf(m.privateJwk).x!, 'base64url'))],
  ['HS256 signed with the public JWK as JSON text', (m) =>
    hmacToken({ ...m.header, alg: 'HS256' }, m.claims, JSON.stringify({ ...publicJwkOf(m.privateJwk), kid: m.header['kid'], alg: 'EdDSA', use: 'sig' }))],
  ['HS256 signed with the public key as SPKI PEM text', (m) =>
    hmacToken({ ...m.header, alg: 'HS256' }, m.claims, createPublicKey({ key: m.privateJwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string)],
  ['ES256 header on the Ed25519 key id (signed with the Ed25519 key)', (m) => signJson({ ...m.header, alg: 'ES256' }, m.claims, m.privateJwk)],
  ['signed by another Ed25519 key under the same kid', (m) => signJson(m.header, m.claims, newEd25519Jwk())],
  ['signed by a P-256 key under the same kid, alg ES256', (m) => signJson({ ...m.header, alg: 'ES256' }, m.claims, newP256Jwk())],
  ['unknown kid', (m) => signJson({ ...m.header, kid: 'not-a-key-of-ours' }, m.claims, m.privateJwk)],
  ['no kid', (m) => signJson({ alg: 'EdDSA', typ: 'at+jwt' }, m.claims, m.privateJwk)],
  ['wrong iss', (m) => signJson(m.header, { ...m.claims, iss: 'https://evil.example' }, m.privateJwk)],
  ['no iss', (m) => signJson(m.header, { ...m.claims, iss: undefined }, m.privateJwk)],
  ['wrong aud', (m) => signJson(m.header, { ...m.claims, aud: 'https://other-api.example' }, m.privateJwk)],
  ['no aud', (m) => signJson(m.header, { ...m.claims, aud: undefined }, m.privateJwk)],
  ['wrong typ (JWT)', (m) => signJson({ ...m.header, typ: 'JWT' }, m.claims, m.privateJwk)],
  ['no typ', (m) => signJson({ alg: 'EdDSA', kid: m.header['kid'] }, m.claims, m.privateJwk)],
  ['a logout token (typ logout+jwt, events claim) used as an access token', (m) =>
    signJson({ ...m.header, typ: 'logout+jwt' }, { ...m.claims, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }, m.privateJwk)],
  ['an ID token shape (typ JWT, nonce, azp) used as an access token', (m) =>
    signJson({ ...m.header, typ: 'JWT' }, { ...m.claims, nonce: 'n-0S6_WzA2Mj', azp: 'client' }, m.privateJwk)],
  ['expired (beyond the clock tolerance)', (m) => signJson(m.header, { ...m.claims, iat: now() - 400, exp: now() - 60 }, m.privateJwk)],
  ['issued in the future', (m) => signJson(m.header, { ...m.claims, iat: now() + 3_600, exp: now() + 3_900 }, m.privateJwk)],
  ['older than the longest token life (iat long ago, exp still ahead)', (m) => signJson(m.header, { ...m.claims, iat: now() - 86_400 }, m.privateJwk)],
  ['no exp', (m) => signJson(m.header, { ...m.claims, exp: undefined }, m.privateJwk)],
  ['exp as a string', (m) => signJson(m.header, { ...m.claims, exp: String(now() + 60) }, m.privateJwk)],
  ['sub as a number', (m) => signJson(m.header, { ...m.claims, sub: 42 }, m.privateJwk)],
  ['sid missing', (m) => signJson(m.header, { ...m.claims, sid: undefined }, m.privateJwk)],
  ['sid of the wrong shape', (m) => signJson(m.header, { ...m.claims, sid: 'not-a-handle' }, m.privateJwk)],
  ['sid as an object', (m) => signJson(m.header, { ...m.claims, sid: { handle: m.claims['sid'] } }, m.privateJwk)],
  ['jti missing', (m) => signJson(m.header, { ...m.claims, jti: undefined }, m.privateJwk)],
  ['__proto__ in the payload carries the claims (signed)', (m) =>
    signRaw(JSON.stringify(m.header), `{"__proto__":${JSON.stringify(m.claims)}}`, m.privateJwk)],
  ['__proto__ in the header carries typ and kid (signed)', (m) =>
    signRaw(`{"alg":"EdDSA","__proto__":{"typ":"at+jwt","kid":${JSON.stringify(m.header['kid'])}}}`, JSON.stringify(m.claims), m.privateJwk)],
  ['payload is a JSON array (signed)', (m) => signRaw(JSON.stringify(m.header), JSON.stringify([m.claims]), m.privateJwk)],
  ['payload is a JSON string (signed)', (m) => signRaw(JSON.stringify(m.header), '"claims"', m.privateJwk)],
  ['header is JSON null', () => rawToken('null', '{}')],
  ['payload is not JSON', (m) => signRaw(JSON.stringify(m.header), 'not json', m.privateJwk)],
  ['payload with a lone surrogate (unsigned)', (m) => rawToken(JSON.stringify(m.header), `{"sub":"\uD800","sid":"${m.claims['sid']}"}`)],
  ['payload with a NUL (unsigned)', (m) => rawToken(JSON.stringify(m.header), `{"sub":"user-alice\u0000"}`)],
  ['two parts', (m) => `${part(m.token, HEAD)}.${part(m.token, BODY)}`],
  ['four parts', (m) => `${m.token}.${part(m.token, SIG)}`],
  ['one part', () => 'abc'],
  ['empty parts', () => '..'],
  ['bad base64url (padding)', (m) => `${part(m.token, HEAD)}=.${part(m.token, BODY)}.${part(m.token, SIG)}`],
  ['bad base64url (+ and /)', (m) => `${part(m.token, HEAD)}.${part(m.token, BODY)}+/.${part(m.token, SIG)}`],
  ['base64url of impossible length', (m) => `A.${part(m.token, BODY)}.${part(m.token, SIG)}`],
  ['a JWE-shaped token (five parts)', () => 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aaaa.bbbb.cccc'],
  ['15 KB of token characters', () => `${'a'.repeat(5_000)}.${'b'.repeat(5_000)}.${'c'.repeat(5_000)}`],
];

describe.each(STORES)('sample: /api/token/me refuses bad tokens with 401 invalid_token on $name', (store) => {
  const harness = perTestHarness(store, 'sample-token-refusals');
  let sample: SampleHarness;
  let material: Material;
  beforeEach(async () => {
    sample = harness();
    await sample.start();
    const alice = sample.client();
    expect((await login(alice, ALICE)).status).toBe(200);
    const token = await tokenFor(alice);
    const { header, payload } = decode(token);
    material = { token, header, claims: payload, privateJwk: sample.config.tokenKeys[0]!.key as JsonWebKey };
  });

  it('the unforged token is accepted and a re-signed copy of it too (so the forgeries below differ in one thing only)', async () => {
    expect((await bearerGet(sample.app, '/api/token/me', material.token)).status).toBe(200);
    const resigned = signJson(material.header, material.claims, material.privateJwk);
    expect((await bearerGet(sample.app, '/api/token/me', resigned)).status).toBe(200);
  });

  it('every forged or malformed token: 401 invalid_token with WWW-Authenticate: Bearer error="invalid_token"', async () => {
    const accepted: string[] = [];
    for (const [name, forge] of CASES) {
      const res = await bearerGet(sample.app, '/api/token/me', forge(material));
      if (res.status !== 401 || res.body.error !== 'invalid_token') accepted.push(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
      else expectInvalidToken(res);
    }
    expect(accepted).toEqual([]);
    // And the real token still works: nothing above harmed the session.
    expect((await bearerGet(sample.app, '/api/token/me', material.token)).status).toBe(200);
  });

  it('malformed Authorization headers: 401 invalid_token (a wrong scheme or none: the bare Bearer challenge)', async () => {
    const server = sample.app.getHttpServer();
    const send = (value: string) => request(server).get('/api/token/me').set('X-Forwarded-Proto', 'https').set('Authorization', value);
    for (const value of ['Basic YWxpY2U6YWxpY2U=', 'Bearer', 'Bearer ', `bearer  ${material.token}`, `Token ${material.token}`, material.token]) {
      const res = await send(value);
      expect(res.status, value.slice(0, 20)).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer( error="invalid_token")?$/);
    }
    // The scheme is case-insensitive (RFC 6750 / RFC 9110).
    expect((await send(`bearer ${material.token}`)).status).toBe(200);
    // A token only in the query string or a body is never looked at.
    const queried = await request(server).get(`/api/token/me?access_token=${material.token}`).set('X-Forwarded-Proto', 'https');
    expect(queried.status).toBe(401);
    // 1 MB: Node refuses the header block itself (431) before the app runs: never a 500.
    const huge = await send(`Bearer ${'a'.repeat(1_000_000)}`).catch((err: Error) => err);
    expect(huge instanceof Error ? 'connection closed' : huge.status).toSatisfy((s: unknown) => s === 431 || s === 'connection closed');
  });

  it('inputs HTTP cannot carry (lone surrogates, NUL, 1 MB, wrong types) are refused by SessionTokens.verify itself', async () => {
    const tokens = sample.app.get(SessionTokens);
    const inputs: unknown[] = [
      `${material.token}\uD800`,
      '\uDC00.\uD800.x',
      `${part(material.token, HEAD)}\u0000.${part(material.token, BODY)}.${part(material.token, SIG)}`,
      'a'.repeat(1_000_000),
      `${material.token}${'.x'.repeat(500_000)}`,
      42,
      null,
      { toString: () => material.token },
      [material.token],
    ];
    for (const input of inputs) {
      await expect(tokens.verify(input as string)).rejects.toBeInstanceOf(InvalidTokenException);
    }
    await expect(tokens.verify(material.token)).resolves.toMatchObject({ sub: ALICE.id, iss: APP_ORIGIN });
  });
});

describe.each(STORES)('sample: session_ended after the idle timeout (test clock) on $name', (store) => {
  const harness = perTestHarness(store, 'sample-token-idle');
  let clock: SessionTestClock | undefined;
  afterEach(() => clock?.restore());

  it('a token never outlives its session\'s idle deadline, and the session\'s end refuses it before its exp does', async () => {
    clock = useSessionTestClock(vi);
    const sample = harness();
    // Idle timeout 60 s, tokens asked for 10 minutes: the session's deadline caps them.
    await sample.start({ SESSION_IDLE_TIMEOUT: '60', TOKEN_TTL: '600' });
    const alice = sample.client();
    expect((await login(alice, ALICE)).status).toBe(200);
    const minted = await alice.post('/api/tokens');
    expect(minted.status).toBe(200);
    expect(minted.body.expiresIn).toBeLessThanOrEqual(60);
    const token = minted.body.accessToken as string;
    expect((await bearerGet(sample.app, '/api/token/me', token)).status).toBe(200);
    // Bearer requests are not session activity: the cookie session idles out on schedule.
    clock.advance(59_000);
    expect((await bearerGet(sample.app, '/api/token/me', token)).status).toBe(200);
    // Past the idle deadline, within exp's clock tolerance (5 s): the session check refuses it.
    clock.advance(2_000);
    expectSessionEnded(await bearerGet(sample.app, '/api/token/me', token));
    // Past the tolerance: the token is plainly expired.
    clock.advance(10_000);
    expectInvalidToken(await bearerGet(sample.app, '/api/token/me', token));
    expect((await alice.get('/api/me')).status).toBe(401);
  });
});

describe.each(STORES)('sample: session_ended after the absolute timeout (test clock) on $name', (store) => {
  const harness = perTestHarness(store, 'sample-token-absolute');
  let clock: SessionTestClock | undefined;
  afterEach(() => clock?.restore());

  it('an active session reaches its absolute deadline: its token is refused with session_ended', async () => {
    clock = useSessionTestClock(vi);
    const sample = harness();
    await sample.start({ SESSION_IDLE_TIMEOUT: '100', SESSION_ABSOLUTE_TIMEOUT: '120', TOKEN_TTL: '600' });
    const alice = sample.client();
    expect((await login(alice, ALICE)).status).toBe(200);
    clock.advance(90_000);
    // Active through the cookie: the idle deadline moves on, the absolute one (login + 120 s) does not.
    expect((await alice.get('/api/me')).status).toBe(200);
    const minted = await alice.post('/api/tokens');
    expect(minted.status).toBe(200);
    expect(minted.body.expiresIn).toBeLessThanOrEqual(30);
    const token = minted.body.accessToken as string;
    expect((await bearerGet(sample.app, '/api/token/me', token)).status).toBe(200);
    clock.advance(31_000);
    expectSessionEnded(await bearerGet(sample.app, '/api/token/me', token));
  });
});
