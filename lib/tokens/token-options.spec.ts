import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { SessionOptionsError } from '../errors/session-options.error.js';
import { resolveSessionOptions } from '../options/resolve-session-options.js';
import type { SessionModuleOptions } from '../options/session-module-options.interface.js';
import type { TokenOptions } from './token-options.js';

const SECRET = 'token-options-spec-secret-0123456789abcdef';
const ed25519 = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
const publicOnly = ({ d: _d, ...rest }: JsonWebKey) => rest;

function resolve(tokens: unknown, extra: Partial<SessionModuleOptions> = {}, warnings: string[] = []) {
  return resolveSessionOptions(
    { secret: SECRET, tokens: tokens as TokenOptions, ...extra },
    { warn: (message) => void warnings.push(message) },
    { mfaRegistered: false, tokensRegistered: true },
  );
}

function problemsOf(tokens: unknown, extra: Partial<SessionModuleOptions> = {}): readonly string[] {
  try {
    resolve(tokens, extra);
  } catch (err) {
    if (err instanceof SessionOptionsError) return err.problems;
    throw err;
  }
  throw new Error('the options were accepted');
}

describe('tokens options', () => {
  it('defaults: 5-minute tokens, 5 s tolerance, audience = issuer, JWKS served; kid = the RFC 7638 thumbprint', async () => {
    const key = ed25519();
    const tokens = resolve({ keys: [{ key }], issuer: 'https://app.example' }).tokens!;
    expect(tokens).toMatchObject({ ttl: 300_000, clockTolerance: 5_000, audience: ['https://app.example'], serveJwks: true });
    expect(tokens.keys[0]!.kid).toBe(await calculateJwkThumbprint(publicOnly(key) as JWK));
    expect(tokens.keys[0]!.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: key.x, kid: tokens.keys[0]!.kid, alg: 'EdDSA', use: 'sig' });
  });

  it('takes PEM and JWK, private and (verify-only) public, EdDSA and ES256', () => {
    const pair = generateKeyPairSync('ed25519');
    const ec = p256();
    const tokens = resolve({
      keys: [
        { key: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, kid: 'pem-signer' },
        { key: publicOnly(ec), alg: 'ES256', kid: 'ec-old', retiredAt: new Date(0) },
        { key: generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }) as string, kid: 'pem-public' },
      ],
      issuer: 'https://app.example',
      audience: ['api-1', 'api-2'],
    }).tokens!;
    expect(tokens.keys.map((k) => [k.kid, k.alg, k.privateKey !== undefined, k.retiredAt])).toEqual([
      ['pem-signer', 'EdDSA', true, undefined],
      ['ec-old', 'ES256', false, 0],
      ['pem-public', 'EdDSA', false, undefined],
    ]);
    expect(tokens.keys.every((k) => !('d' in k.publicJwk))).toBe(true);
    expect(tokens.audience).toEqual(['api-1', 'api-2']);
  });

  it('names every problem at once: bad key, signer without private key, alg/key mismatch, alg outside the allow-list, ttl, issuer, ...', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const dup = ed25519();
    const problems = problemsOf({
      keys: [
        { key: publicOnly(ed25519()), kid: 'signer' },
        { key: 'not a pem' },
        { key: ed25519(), alg: 'ES256', kid: 'mismatch' },
        { key: ed25519(), alg: 'HS256', kid: 'hmac' },
        { key: rsa, kid: 'rsa' },
        { key: dup, kid: 'twice' },
        { key: dup, kid: 'twice' },
        { key: ed25519(), kid: 'bad kid!' },
        { key: ed25519(), kid: 'bad-retire', retiredAt: 'yesterday' },
        'a string',
      ],
      issuer: '',
      audience: [],
      ttl: 5_000,
      clockTolerance: -1,
      serveJwks: 'yes',
    });
    const expected = [
      'tokens.keys[0] ("signer") signs, so it needs the private key',
      'tokens.keys[1].key must be a JWK object or a PEM string',
      "tokens.keys[2]: alg 'ES256' does not fit the key, which is Ed25519",
      "tokens.keys[3].alg must be 'EdDSA' or 'ES256'",
      'tokens.keys[4].key is not an Ed25519 or P-256 key',
      'tokens.keys has the kid "twice" twice',
      'tokens.keys[7].kid must be 1-128 characters',
      'tokens.keys[8].retiredAt must be a Date or epoch milliseconds',
      'tokens.keys[9] must be { key, kid?, alg?, retiredAt? }',
      'tokens.issuer must be a non-empty string',
      'tokens.audience must be a non-empty string or list of them',
      'tokens.ttl must be a number of milliseconds from 10000 to 3600000, not 5000',
      'tokens.clockTolerance must be a number of milliseconds from 0 to 60000, not -1',
      'tokens.serveJwks must be true or false',
    ];
    for (const text of expected) expect(problems.some((p) => p.includes(text)), text).toBe(true);
    expect(problems).toHaveLength(expected.length);
  });

  it('refuses no keys, a retired signer, an ES256 key sold as EdDSA, a ttl over an hour, and tokens without the session index', () => {
    expect(problemsOf({ keys: [], issuer: 'i' })[0]).toContain('tokens.keys must be a non-empty list');
    expect(problemsOf({ keys: [{ key: ed25519(), retiredAt: 1 }], issuer: 'i' })[0]).toContain('cannot be retired');
    expect(problemsOf({ keys: [{ key: p256() }], issuer: 'i' })[0]).toContain("alg 'EdDSA' does not fit the key, which is P-256");
    expect(problemsOf({ keys: [{ key: ed25519() }], issuer: 'i', ttl: 2 * 3_600_000 })[0]).toContain('tokens.ttl must be');
    expect(problemsOf({ keys: [{ key: ed25519() }], issuer: 'i' }, { sessionIndex: false })).toContainEqual(
      expect.stringContaining('tokens need the session index'),
    );
    expect(problemsOf('keys')[0]).toContain('tokens must be { keys, issuer');
  });

  it('a ttl above the default is accepted with a warning', () => {
    const warnings: string[] = [];
    expect(resolve({ keys: [{ key: ed25519() }], issuer: 'i', ttl: 900_000 }, {}, warnings).tokens!.ttl).toBe(900_000);
    expect(warnings.some((w) => w.startsWith('tokens.ttl is 900000 ms'))).toBe(true);
  });

  it('forRootAsync: tokens options without tokens: true, and tokens: true without options, are refused', () => {
    const tokens = { keys: [{ key: ed25519() }], issuer: 'i' };
    const attempt = (options: SessionModuleOptions, tokensRegistered: boolean) => () =>
      resolveSessionOptions(options, { warn: () => undefined }, { mfaRegistered: false, tokensRegistered });
    expect(attempt({ secret: SECRET, tokens }, false)).toThrow(/pass tokens: true to SessionModule.forRootAsync/);
    expect(attempt({ secret: SECRET }, true)).toThrow(/was given tokens: true but its options have no tokens/);
  });
});
