import fc from 'fast-check';
import { Agent } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { PROTOTYPE_KEYS } from '../../support/json-arbitraries.js';
import { ALICE, APP_ORIGIN, BOB, login, SampleHarness } from './sample-harness.js';

/** Requests per store: 10,000 in all, in under 30 s on two cores. */
const RUNS: Record<string, number> = { memory: 6_500, redis: 3_500 };

type Who = 'anonymous' | 'alice' | 'bobPending' | 'bobVerified';

/** Every state-changing route of the sample, and who may send to it without ending their own session. */
const ROUTES: Array<{ method: 'post' | 'delete'; path: string; who: Who[] }> = [
  { method: 'post', path: '/api/auth/login', who: ['anonymous', 'alice', 'bobPending'] },
  { method: 'post', path: '/api/auth/mfa/verify', who: ['anonymous', 'alice', 'bobPending', 'bobVerified'] },
  { method: 'post', path: '/api/auth/mfa/recovery', who: ['anonymous', 'alice', 'bobPending', 'bobVerified'] },
  { method: 'post', path: '/api/auth/mfa/step-up', who: ['anonymous', 'alice', 'bobPending', 'bobVerified'] },
  { method: 'post', path: '/api/mfa/enroll', who: ['anonymous', 'alice', 'bobPending', 'bobVerified'] },
  { method: 'post', path: '/api/mfa/enroll/confirm', who: ['anonymous', 'alice', 'bobPending', 'bobVerified'] },
  { method: 'post', path: '/api/mfa/recovery-codes', who: ['anonymous', 'alice', 'bobPending', 'bobVerified'] },
  // These end or weaken a session whatever the body: sent by those whose session they cannot end.
  { method: 'delete', path: '/api/mfa', who: ['anonymous', 'alice', 'bobPending'] },
  { method: 'post', path: '/api/auth/logout', who: ['anonymous'] },
  { method: 'post', path: '/api/sessions/revoke-others', who: ['anonymous', 'alice', 'bobPending'] },
  { method: 'delete', path: '/api/sessions/:id', who: ['anonymous', 'alice', 'bobPending', 'bobVerified'] },
];

/** Field values that get past the first checks (names, codes, passwords) and values that do not. */
const fieldValue = fc.oneof(
  fc.constantFrom(ALICE.username, BOB.username, ALICE.password, BOB.password, '123456', '000000', 'abcd-efgh-ijkl', ''),
  fc.constantFrom('\ud800', 'alice\udfff', '\udc00\ud800', 'alice\u0000', '\u2028', 'ａｌｉｃｅ'),
  fc.stringMatching(/^[0-9]{6}$/),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.string({ maxLength: 200, unit: 'grapheme' }),
  fc.string({ minLength: 1_000, maxLength: 1_100 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('username', 'code', ...PROTOTYPE_KEYS), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
);

const fieldName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('username', 'password', 'code') },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, 'toString', 'hasOwnProperty', 'valueOf') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** The body's text: a JSON object of those fields, any JSON value, or text that is not JSON. */
const body = fc.oneof(
  { weight: 6, arbitrary: fc.uniqueArray(fc.tuple(fieldName, fieldValue), { maxLength: 4, selector: ([name]) => name }).map((fields) => JSON.stringify(Object.fromEntries(fields))) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }) },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json') },
);

describe.each(STORES)('sample: any JSON body on any state-changing route is never a 5xx ($name)', (store) => {
  const sample = new SampleHarness(store, 'sample-json-body');
  const cookies = new Map<Who, string>();

  beforeAll(async () => {
    // The test clock keeps TOTP codes away from step edges while Bob enrols and logs in.
    await sample.start({}, { clock: true });
    // Listening once: supertest reuses the server instead of starting one per request.
    await new Promise<void>((resolve) => sample.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    const alice = sample.client();
    expect((await login(alice, ALICE)).status).toBe(200);
    const bobEnrolling = sample.client();
    expect((await login(bobEnrolling, BOB)).status).toBe(200);
    const { secret } = await sample.enrol(bobEnrolling);
    const bobPending = sample.client();
    expect((await login(bobPending, BOB)).body.mfa).toBe('required');
    const bobVerified = await sample.fullyLoggedIn(BOB, secret);
    const header = (client: BrowserClient) => [...client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    cookies.set('anonymous', '');
    cookies.set('alice', header(alice));
    cookies.set('bobPending', header(bobPending));
    cookies.set('bobVerified', header(bobVerified));
  });

  afterAll(async () => {
    await sample.stop();
    await sample.cleanUp();
  });

  it(`answers ${RUNS[store.name]} generated requests without a 5xx`, async () => {
    const server = sample.app.getHttpServer();
    // One kept-alive connection instead of a new one per request.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES).chain((route) => fc.tuple(fc.constant(route), fc.constantFrom(...route.who))),
        body,
        contentType,
        fc.string({ minLength: 1, maxLength: 30 }),
        async ([route, who], text, type, id) => {
          const path = route.path.replace(':id', encodeURIComponent(id));
          const test = request(server)[route.method](path).set('X-Forwarded-Proto', 'https').set('Origin', APP_ORIGIN).set('Content-Type', type).agent(agent);
          const cookie = cookies.get(who)!;
          if (cookie) test.set('Cookie', cookie);
          const res = await test.send(text);
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          expect(res.status, `${route.method.toUpperCase()} ${route.path} as ${who}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS[store.name]! },
    );
    agent.destroy();
    // The run reached the handlers, not only the guards and the body parser.
    for (const status of [200, 204, 400, 401, 403]) expect(seen.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
  }, 120_000);
});
