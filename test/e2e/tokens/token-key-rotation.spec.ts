import type { INestApplication } from '@nestjs/common';
import type { JsonWebKey } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MemorySessionIndex,
  MemorySessionStore,
  SessionModule,
  SessionTokens,
  type AccessTokenKey,
  type SessionModuleOptions,
} from '../../../lib/index.js';
import { createTestApp, TOKEN_APP_ROUTES } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';
import { connectTestRedis, deleteKeys, STORES, uniquePrefix, type StoreUnderTest } from '../../support/stores.js';
import { decode, newEd25519Jwk, newP256Jwk } from './token-forgery.js';

const SECRET = 'token-rotation-spec-secret-0123456789abcdef';
const ISSUER = 'https://api.example.test';
const TTL = 300_000;
const TOLERANCE = 5_000;

/** Apps that share one session store (and index): the same deployment, restarted with other keys. */
class Deployment {
  private readonly apps: INestApplication[] = [];
  private readonly prefix: string;
  private readonly shared: { store: MemorySessionStore; index: MemorySessionIndex } | undefined;

  constructor(private readonly under: StoreUnderTest) {
    this.prefix = uniquePrefix('token-rotation');
    this.shared = under.name === 'memory' ? { store: new MemorySessionStore(), index: new MemorySessionIndex() } : undefined;
  }

  async start(keys: AccessTokenKey[]): Promise<INestApplication> {
    const store: Partial<SessionModuleOptions> = this.shared
      ? { store: this.shared.store, sessionIndex: this.shared.index }
      : { store: this.under.options(this.prefix) };
    const app = await createTestApp({ session: { secret: SECRET, ...store, tokens: { keys, issuer: ISSUER } }, routes: TOKEN_APP_ROUTES });
    this.apps.push(app);
    return app;
  }

  async close(): Promise<void> {
    for (const app of this.apps.splice(0)) await app.close();
    if (this.shared) {
      await this.shared.store.close();
      await this.shared.index.close();
    } else {
      const redis = await connectTestRedis();
      await deleteKeys(redis, this.prefix);
      await redis.close();
    }
  }
}

const bearer = (app: INestApplication, token: string) =>
  request(app.getHttpServer()).get('/token/me').set('X-Forwarded-Proto', 'https').set('Authorization', `Bearer ${token}`);
const jwksOf = async (app: INestApplication) =>
  (await request(app.getHttpServer()).get('/.well-known/jwks.json')).body as JSONWebKeySet;
const kids = async (app: INestApplication) => (await jwksOf(app)).keys.map((key) => key.kid);

async function loginAndToken(app: INestApplication, user = 'u1'): Promise<{ client: BrowserClient; token: string }> {
  const client = new BrowserClient(app);
  expect((await client.post('/login', { user })).status).toBe(200);
  const res = await client.post('/tokens');
  expect(res.status).toBe(200);
  return { client, token: res.body.token as string };
}

describe.each(STORES)('token key rotation on $name', (store) => {
  let deployment: Deployment;
  afterEach(async () => deployment.close());

  it('an old token stays valid after a rotation, while its key is verify-only; refused once the key is retired or removed', async () => {
    deployment = new Deployment(store);
    const k1: JsonWebKey = newEd25519Jwk();
    const k2: JsonWebKey = newEd25519Jwk();
    const before = await deployment.start([{ key: k1, kid: 'k1' }]);
    const { token: old } = await loginAndToken(before);
    expect(decode(old).header['kid']).toBe('k1');
    expect((await bearer(before, old)).status).toBe(200);

    // Rotated: k2 signs, k1 only verifies (stopped signing now).
    const rotated = await deployment.start([{ key: k2, kid: 'k2' }, { key: k1, kid: 'k1', retiredAt: Date.now() }]);
    expect(await kids(rotated)).toEqual(['k2', 'k1']);
    expect((await bearer(rotated, old)).status).toBe(200);
    const { token: fresh } = await loginAndToken(rotated, 'u2');
    expect(decode(fresh).header['kid']).toBe('k2');
    // The new token verifies independently against the published set.
    const { payload } = await jwtVerify(fresh, createLocalJWKSet(await jwksOf(rotated)), { issuer: ISSUER, audience: ISSUER, typ: 'at+jwt' });
    expect(payload.sub).toBe('u2');

    // k1 retired long enough ago that every token it signed has expired: dropped from the JWKS and refused.
    const later = await deployment.start([{ key: k2, kid: 'k2' }, { key: k1, kid: 'k1', retiredAt: Date.now() - TTL - TOLERANCE - 1_000 }]);
    expect(await kids(later)).toEqual(['k2']);
    const refused = await bearer(later, old);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_token');
    expect((await bearer(later, fresh)).status).toBe(200);

    // k1 removed from the options: refused too.
    const removed = await deployment.start([{ key: k2, kid: 'k2' }]);
    expect((await bearer(removed, old)).body.error).toBe('invalid_token');
    expect((await bearer(removed, fresh)).status).toBe(200);
  });

  it('a verify-only key can be published before it signs (pre-publication)', async () => {
    deployment = new Deployment(store);
    const k1 = newEd25519Jwk();
    const k2 = newEd25519Jwk();
    const app = await deployment.start([{ key: k1, kid: 'k1' }, { key: k2, kid: 'k2' }]);
    expect(await kids(app)).toEqual(['k1', 'k2']);
    const { token } = await loginAndToken(app);
    expect(decode(token).header['kid']).toBe('k1');
    expect(JSON.stringify(await jwksOf(app))).not.toContain('"d"');
  });

  it('ES256 keys sign and verify, and an independent verifier accepts the token', async () => {
    deployment = new Deployment(store);
    const app = await deployment.start([{ key: newP256Jwk(), alg: 'ES256', kid: 'ec1' }]);
    const { token } = await loginAndToken(app);
    expect(decode(token).header).toEqual({ alg: 'ES256', kid: 'ec1', typ: 'at+jwt' });
    await jwtVerify(token, createLocalJWKSet(await jwksOf(app)), { issuer: ISSUER, audience: ISSUER, typ: 'at+jwt', algorithms: ['ES256'] });
    expect((await bearer(app, token)).status).toBe(200);
    expect((await jwksOf(app)).keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
  });
});

describe.each(STORES)('SessionTokenGuard and @CurrentSession() on a test app (forRoot) on $name', (store) => {
  let deployment: Deployment;
  afterEach(async () => deployment.close());

  it('@CurrentSession() on a bearer route is the token\'s session, whatever cookie comes along; cookie routes ignore the token', async () => {
    deployment = new Deployment(store);
    const app = await deployment.start([{ key: newEd25519Jwk() }]);
    const alice = await loginAndToken(app, 'alice');
    const bob = new BrowserClient(app);
    expect((await bob.post('/login', { user: 'bob' })).status).toBe(200);
    const bobHandle = (await bob.get('/me')).body.handle as string;
    const aliceHandle = (await alice.client.get('/me')).body.handle as string;

    // bob's cookie + alice's token on the bearer route: alice.
    const mixed = await bob.get('/token/me', { Authorization: `Bearer ${alice.token}` });
    expect(mixed.status).toBe(200);
    expect(mixed.body).toMatchObject({ userId: 'alice', handle: aliceHandle, mfa: 'none', tokenId: decode(alice.token).payload['jti'] });
    // bob's cookie + alice's token on a cookie route: bob.
    const cookieRoute = await bob.get('/me', { Authorization: `Bearer ${alice.token}` });
    expect(cookieRoute.body).toMatchObject({ userId: 'bob', handle: bobHandle });
  });

  it('a route bound to both on purpose: the token when an Authorization header is sent, else the cookie', async () => {
    deployment = new Deployment(store);
    const app = await deployment.start([{ key: newEd25519Jwk() }]);
    const alice = await loginAndToken(app, 'alice');
    expect((await alice.client.get('/either')).body).toEqual({ userId: 'alice' });
    expect((await request(app.getHttpServer()).get('/either').set('X-Forwarded-Proto', 'https').set('Authorization', `Bearer ${alice.token}`)).body).toEqual({ userId: 'alice' });
    // A bad token is not rescued by a good cookie.
    const bad = await alice.client.get('/either', { Authorization: 'Bearer x.y.z' });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_token');
    expect((await request(app.getHttpServer()).get('/either').set('X-Forwarded-Proto', 'https')).status).toBe(401);
  });

  it('logout ends the token; SessionTokens is the one the module registered', async () => {
    deployment = new Deployment(store);
    const app = await deployment.start([{ key: newEd25519Jwk() }]);
    expect(app.get(SessionTokens)).toBeInstanceOf(SessionTokens);
    const alice = await loginAndToken(app, 'alice');
    expect((await alice.client.post('/logout')).status).toBe(204);
    const res = await bearer(app, alice.token);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('session_ended');
  });
});

describe('tokens registration', () => {
  it('without `tokens` there is no SessionTokens and no JWKS route; forRootAsync with tokens: true registers both', async () => {
    const plain = await createTestApp({ session: SessionModule.forRoot({ secret: SECRET }) });
    try {
      expect(() => plain.get(SessionTokens)).toThrow();
      expect((await request(plain.getHttpServer()).get('/.well-known/jwks.json')).status).toBe(404);
    } finally {
      await plain.close();
    }
    const key = newEd25519Jwk();
    const async = await createTestApp({
      session: SessionModule.forRootAsync({ tokens: true, useFactory: () => ({ secret: SECRET, tokens: { keys: [{ key, kid: 'a1' }], issuer: ISSUER, serveJwks: false } }) }),
    });
    try {
      expect(async.get(SessionTokens).jwks().keys.map((k) => k.kid)).toEqual(['a1']);
      // serveJwks: false: the app serves SessionTokens.jwks() itself, where it wants.
      expect((await request(async.getHttpServer()).get('/.well-known/jwks.json')).status).toBe(404);
    } finally {
      await async.close();
    }
  });
});

/** The memory index, with reads that fail while `failing` is set (a store outage, as the guard sees it). */
class FlakyIndex extends MemorySessionIndex {
  failing = false;

  override async get(...args: Parameters<MemorySessionIndex['get']>) {
    if (this.failing) throw new Error('index unavailable');
    return super.get(...args);
  }
}

describe('SessionTokenGuard when the session index fails', () => {
  it('answers 503 session_store_unavailable (never a pass, never a 500), and works again once the index is back', async () => {
    const index = new FlakyIndex();
    const store = new MemorySessionStore();
    const app = await createTestApp({ session: { secret: SECRET, store, sessionIndex: index, tokens: { keys: [{ key: newEd25519Jwk() }], issuer: ISSUER } }, routes: TOKEN_APP_ROUTES });
    try {
      const { token } = await loginAndToken(app);
      index.failing = true;
      const res = await bearer(app, token);
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('session_store_unavailable');
      index.failing = false;
      expect((await bearer(app, token)).status).toBe(200);
    } finally {
      await app.close();
      await index.close();
      await store.close();
    }
  });
});
