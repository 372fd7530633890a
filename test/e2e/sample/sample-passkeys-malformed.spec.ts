import request, { type Response, type Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRepository } from '../../../sample/users/user.repository.js';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, APP_ORIGIN, BOB, login, SampleHarness } from './sample-harness.js';

/** A bad request gets one of these, with `{ error, message }`; 413 only when the body is over the sample's limit. */
const CLIENT_ERRORS = new Set([400, 413]);

const BAD_VALUES: Array<[string, unknown]> = [
  ['a number', 42],
  ['an array', ['x']],
  ['an object', { a: 1 }],
  ['null', null],
  ['true', true],
  ['an empty string', ''],
  ['a NUL byte', 'a\u0000b'],
  ['a lone high surrogate', 'x\ud800'],
  ['a lone low surrogate', '\udc00'],
  ['a 1 MB string', 'x'.repeat(1_000_000)],
  ['a prototype key', '__proto__'],
];

/** A well-formed credential answer (its bytes are nonsense, which only the checks after the shape's see). */
function credential(): Record<string, unknown> {
  return {
    id: 'AAAA',
    rawId: 'AAAA',
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      clientDataJSON: 'AAAA',
      authenticatorData: 'AAAA',
      signature: 'AAAA',
      userHandle: 'AAAA',
      attestationObject: 'AAAA',
      transports: ['internal'],
    },
  };
}

const CREDENTIAL_FIELDS = ['id', 'rawId', 'type', 'response', 'authenticatorAttachment'];
/** The response fields each kind of answer reads (the others are dropped unread). */
const REGISTRATION_FIELDS = ['clientDataJSON', 'attestationObject', 'transports'];
const ASSERTION_FIELDS = ['clientDataJSON', 'authenticatorData', 'signature', 'userHandle'];

/** The bad values of one field: `__proto__` is valid base64url, and a null attachment means "none". */
function badValuesFor(key: string): Array<[string, unknown]> {
  const base64url = [...REGISTRATION_FIELDS, ...ASSERTION_FIELDS].includes(key) && key !== 'transports';
  return BAD_VALUES.filter(([, value]) => !(base64url && value === '__proto__') && !(key === 'authenticatorAttachment' && value === null));
}

/** Raw bodies with prototype and NUL keys, where the checked object would be. */
const RAW_BODIES: Array<[string, string]> = [
  ['__proto__ as the body member', '{"__proto__": {"credential": {"id": "AAAA"}}}'],
  ['__proto__ inside the credential', '{"credential": {"__proto__": {"id": "AAAA", "rawId": "AAAA", "type": "public-key"}}}'],
  ['__proto__ inside the response', '{"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"__proto__": {"signature": "AAAA"}}}}'],
  ['a constructor member', '{"credential": {"constructor": {"prototype": {"id": "AAAA"}}}}'],
  ['a NUL key', '{"credential": {"\\u0000": "AAAA"}, "\\u0000": 1}'],
  ['a lone surrogate key', '{"credential": {"\\ud800": "AAAA"}}'],
];

type Method = 'post' | 'patch' | 'delete';

interface RouteUnderTest {
  method: Method;
  path: string;
  /** The body of a valid request, whose `credential` (or `name`) the test spoils. */
  field: 'credential' | 'name';
  /** Which answer the route reads. */
  kind?: 'registration' | 'assertion';
  client: () => BrowserClient | undefined;
}

describe.each(STORES)('sample: malformed input on the passkey routes is a 400 naming the problem, never a 500 ($name)', (store) => {
  const sample = new SampleHarness(store, 'passkeys-malformed');
  /** alice: TOTP enrolled, waiting for her second factor; bob: fully authenticated with a registration started. */
  let pending: BrowserClient;
  let full: BrowserClient;
  let anonymous: BrowserClient;
  let secret: string;

  beforeAll(async () => {
    await sample.start({ MFA_MAX_ATTEMPTS: '3' }, { clock: true });
    const alice = sample.client();
    await login(alice, ALICE);
    ({ secret } = await sample.enrol(alice));
    pending = sample.client();
    expect((await login(pending, ALICE)).body.mfa).toBe('required');
    full = sample.client();
    expect((await login(full, BOB)).body.mfa).toBe('none');
    expect((await full.post('/api/passkeys/register/options')).status).toBe(200);
    anonymous = sample.client();
    expect((await anonymous.post('/api/auth/passkey/options')).status).toBe(200);
  });

  afterAll(async () => {
    await sample.stop();
    await sample.cleanUp();
  });

  const ROUTES: RouteUnderTest[] = [
    { method: 'post', path: '/api/passkeys/register', field: 'credential', kind: 'registration', client: () => full },
    { method: 'post', path: '/api/passkeys/register', field: 'name', client: () => full },
    { method: 'post', path: '/api/auth/passkey', field: 'credential', kind: 'assertion', client: () => anonymous },
    { method: 'post', path: '/api/auth/mfa/passkey', field: 'credential', kind: 'assertion', client: () => pending },
    { method: 'post', path: '/api/auth/mfa/step-up/passkey', field: 'credential', kind: 'assertion', client: () => full },
    { method: 'patch', path: '/api/passkeys/AAAA', field: 'name', client: () => full },
  ];

  function send(method: Method, path: string, client: BrowserClient | undefined): Test {
    const test = request(sample.app.getHttpServer())[method](path).set('X-Forwarded-Proto', 'https').set('Origin', APP_ORIGIN);
    if (client && client.jar.size > 0) test.set('Cookie', [...client.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    return test;
  }

  function problemWith(res: Response, allowed = CLIENT_ERRORS): string | undefined {
    if (!allowed.has(res.status)) return `status ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
    if (!/^application\/json/.test(res.headers['content-type'] ?? '')) return `content-type ${res.headers['content-type']}`;
    const { error, message } = res.body ?? {};
    if (typeof error !== 'string' || !/^[a-z_]+$/.test(error) || typeof message !== 'string' || message === '') {
      return `body ${JSON.stringify(res.body).slice(0, 200)}`;
    }
    return undefined;
  }

  /** Every spoiled version of a valid body for the route's field. */
  function spoiledBodies(route: RouteUnderTest): Array<[string, unknown]> {
    // A name that is fine as text (`__proto__`) gets the route's own answer; every other one is 400.
    if (route.field === 'name') {
      return BAD_VALUES.filter(([, value]) => value !== '__proto__').map(([label, value]) => [`name: ${label}`, { credential: credential(), name: value }]);
    }
    const bodies: Array<[string, unknown]> = BAD_VALUES.map(([label, value]) => [`credential: ${label}`, { credential: value }]);
    for (const key of CREDENTIAL_FIELDS) {
      for (const [label, value] of badValuesFor(key)) bodies.push([`credential.${key}: ${label}`, { credential: { ...credential(), [key]: value } }]);
    }
    for (const key of route.kind === 'registration' ? REGISTRATION_FIELDS : ASSERTION_FIELDS) {
      for (const [label, value] of badValuesFor(key)) {
        // A list of unknown transport names is no error: they are dropped.
        if (key === 'transports' && Array.isArray(value)) continue;
        const spoiled = credential();
        spoiled['response'] = { ...(spoiled['response'] as object), [key]: value };
        bodies.push([`credential.response.${key}: ${label}`, { credential: spoiled }]);
      }
    }
    return bodies;
  }

  describe.each(ROUTES)('$method $path ($field)', (route) => {
    it('each field with each wrong type or content: 400 (413 over the body limit), JSON, never a 500', async () => {
      const problems: string[] = [];
      for (const [label, body] of spoiledBodies(route)) {
        const res = await send(route.method, route.path, route.client()).send(body as object);
        const problem = problemWith(res);
        if (problem) problems.push(`${label}: ${problem}`);
      }
      expect(problems).toEqual([]);
    });

    it('prototype, constructor, NUL and lone-surrogate keys: 400, JSON, never a 500', async () => {
      const problems: string[] = [];
      for (const [label, raw] of RAW_BODIES) {
        const res = await send(route.method, route.path, route.client()).set('Content-Type', 'application/json').send(raw);
        const problem = problemWith(res, new Set([400]));
        if (problem) problems.push(`${label}: ${problem}`);
      }
      expect(problems).toEqual([]);
    });
  });

  it('passkey ids in the path: lone surrogates, NUL, 1 MB, __proto__ are a 4xx with JSON', async () => {
    const problems: string[] = [];
    const ids = ['%ED%A0%80', 'a%00b', '__proto__', 'x'.repeat(1_000_000), '%F0%9F%98', 'not base64url!'];
    for (const id of ids) {
      for (const method of ['patch', 'delete'] as const) {
        const res = await send(method, `/api/passkeys/${id}`, full).send({ name: 'x' });
        const problem = problemWith(res, new Set([400, 403, 404, 413, 414, 431]));
        if (problem && res.status !== 431 && res.status !== 414) problems.push(`${method} ${id.slice(0, 20)}: ${problem}`);
        if (res.status >= 500) problems.push(`${method} ${id.slice(0, 20)}: ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every passkey state change from another origin is 403 csrf (before the session is read)', async () => {
    const routes: Array<[Method, string]> = [
      ['post', '/api/passkeys/register/options'],
      ['post', '/api/passkeys/register'],
      ['patch', '/api/passkeys/AAAA'],
      ['delete', '/api/passkeys/AAAA'],
      ['post', '/api/auth/passkey/options'],
      ['post', '/api/auth/passkey'],
      ['post', '/api/auth/mfa/passkey/options'],
      ['post', '/api/auth/mfa/passkey'],
      ['post', '/api/auth/mfa/step-up/passkey/options'],
      ['post', '/api/auth/mfa/step-up/passkey'],
    ];
    for (const [method, path] of routes) {
      const res = await send(method, path, full).set('Origin', 'https://evil.example').send({ credential: credential(), name: 'x' });
      expect([method, path, res.status, res.body.error]).toEqual([method, path, 403, 'csrf']);
    }
  });

  it('none of it was stored or counted: no passkeys, alice not locked, bob’s registration challenge used up', async () => {
    const repository = sample.app.get(UserRepository);
    expect(await repository.passkeys.listByUser(BOB.id)).toEqual([]);
    expect(await repository.passkeys.listByUser(ALICE.id)).toEqual([]);
    // Malformed answers are 400 and not counted: alice's right code still passes (MFA_MAX_ATTEMPTS is 3).
    const verified = await pending.post('/api/auth/mfa/verify', { code: await sample.code(secret) });
    expect(verified.status).toBe(200);
  });
});
