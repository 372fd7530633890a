import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject as NodeKeyObject } from 'node:crypto';
// jose's key types, not node:crypto's: the published declarations then need no @types/node.
import type { JWK, KeyObject } from 'jose';
import { optionValueText } from '../util/option-value-text.js';

/** The signing algorithms access tokens may use: asymmetric only (no `none`, no HS*). */
export type AccessTokenAlgorithm = 'EdDSA' | 'ES256';

export const ACCESS_TOKEN_ALGORITHMS: readonly AccessTokenAlgorithm[] = ['EdDSA', 'ES256'];

/**
 * One key of `tokens.keys`. The first entry signs (it needs the private key); every entry
 * verifies and is published in the JWKS (public part only).
 */
export interface AccessTokenKey {
  /**
   * The key: a JWK object, or a PEM string (PKCS#8 private key, or SPKI public key for a
   * verify-only entry). A private key's public part is derived from it.
   */
  key: JWK | string;
  /**
   * Key ID, sent in each token's header and in the JWKS.
   * @default the JWK's own `kid`, else its RFC 7638 thumbprint
   */
  kid?: string;
  /**
   * `EdDSA` for an Ed25519 key, `ES256` for a P-256 key.
   * @default 'EdDSA'
   */
  alg?: AccessTokenAlgorithm;
  /**
   * When this key stopped signing (epoch ms or a Date), for an entry that is no longer first.
   * Its last token expires `ttl` later: from then on (plus `clockTolerance`) the key is
   * dropped from the JWKS and refused, so it can be removed from the options at leisure.
   * Without it a verify-only key stays until it is removed.
   */
  retiredAt?: number | Date;
}

/** A key after validation. */
export interface ResolvedTokenKey {
  kid: string;
  alg: AccessTokenAlgorithm;
  /** Only on a key given with its private part; required for the first (signing) key. */
  privateKey: KeyObject | undefined;
  publicKey: KeyObject;
  /** The public JWK as the JWKS serves it: `kty`, `crv`, `x` (`y`), `kid`, `alg`, `use`. */
  publicJwk: Readonly<Record<string, string>>;
  /** Epoch ms, or undefined while the key is not retired. */
  retiredAt: number | undefined;
}

const KID_SHAPE = /^[A-Za-z0-9._~-]{1,128}$/;

/** Parses and checks `tokens.keys`, naming every problem. */
export function resolveTokenKeys(keys: unknown, problems: string[]): ResolvedTokenKey[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    problems.push(
      "tokens.keys must be a non-empty list of { key, kid?, alg? } (JWK or PEM; the first signs); generate an Ed25519 key with: node -e \"console.log(require('crypto').generateKeyPairSync('ed25519').privateKey.export({format:'pem',type:'pkcs8'}))\"",
    );
    return [];
  }
  const resolved: ResolvedTokenKey[] = [];
  const seen = new Set<string>();
  Array.from(keys as unknown[]).forEach((entry, index) => {
    const key = resolveKey(entry, index, problems);
    if (!key) return;
    if (seen.has(key.kid)) {
      problems.push(`tokens.keys has the kid "${key.kid}" twice; key IDs must be unique.`);
      return;
    }
    seen.add(key.kid);
    if (index === 0 && !key.privateKey) {
      problems.push(`tokens.keys[0] ("${key.kid}") signs, so it needs the private key (a private JWK with "d", or a PKCS#8 PEM).`);
    }
    if (index === 0 && key.retiredAt !== undefined) {
      problems.push(`tokens.keys[0] ("${key.kid}") signs and cannot be retired: put the new key first.`);
    }
    resolved.push(key);
  });
  return resolved;
}

function resolveKey(entry: unknown, index: number, problems: string[]): ResolvedTokenKey | undefined {
  const where = `tokens.keys[${index}]`;
  if (typeof entry !== 'object' || entry === null) {
    problems.push(`${where} must be { key, kid?, alg?, retiredAt? }, not ${optionValueText(entry)}.`);
    return undefined;
  }
  const { key: material, kid: givenKid, alg = 'EdDSA', retiredAt } = entry as Partial<AccessTokenKey>;
  let ok = true;
  if (!ACCESS_TOKEN_ALGORITHMS.includes(alg)) {
    problems.push(`${where}.alg must be 'EdDSA' or 'ES256' (asymmetric only), not ${optionValueText(alg)}.`);
    ok = false;
  }
  const retired = retiredAt instanceof Date ? retiredAt.getTime() : retiredAt;
  if (retired !== undefined && (typeof retired !== 'number' || !Number.isFinite(retired))) {
    problems.push(`${where}.retiredAt must be a Date or epoch milliseconds, not ${optionValueText(retiredAt)}.`);
    ok = false;
  }
  const parsed = parseKeyMaterial(material);
  if (!parsed) {
    problems.push(`${where}.key must be a JWK object or a PEM string of an Ed25519 or P-256 key.`);
    return undefined;
  }
  const type = keyTypeOf(parsed.publicKey);
  if (type === undefined) {
    problems.push(`${where}.key is not an Ed25519 or P-256 key (tokens are signed with EdDSA or ES256 only).`);
    return undefined;
  }
  if (ok && type !== alg) {
    problems.push(`${where}: alg '${alg}' does not fit the key, which is ${type === 'EdDSA' ? 'Ed25519 (alg EdDSA)' : 'P-256 (alg ES256)'}.`);
    ok = false;
  }
  const jwk = parsed.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const kid = givenKid ?? (typeof parsed.jwkKid === 'string' ? parsed.jwkKid : thumbprint(jwk));
  if (typeof kid !== 'string' || !KID_SHAPE.test(kid)) {
    problems.push(`${where}.kid must be 1-128 characters of A-Z a-z 0-9 . _ ~ -, not ${optionValueText(kid)}.`);
    ok = false;
  }
  if (!ok) return undefined;
  return {
    kid,
    alg,
    privateKey: parsed.privateKey,
    publicKey: parsed.publicKey,
    publicJwk: Object.freeze(publicJwkOf(jwk, kid, alg)),
    retiredAt: retired,
  };
}

interface ParsedKey {
  privateKey: NodeKeyObject | undefined;
  publicKey: NodeKeyObject;
  jwkKid: unknown;
}

/** A JWK or PEM, private or public; undefined when it is neither. */
function parseKeyMaterial(material: unknown): ParsedKey | undefined {
  try {
    if (typeof material === 'string') {
      if (material.includes('PRIVATE KEY')) {
        const privateKey = createPrivateKey(material);
        return { privateKey, publicKey: createPublicKey(privateKey), jwkKid: undefined };
      }
      return { privateKey: undefined, publicKey: createPublicKey(material), jwkKid: undefined };
    }
    if (typeof material !== 'object' || material === null || Array.isArray(material)) return undefined;
    const jwk = material as JsonWebKey;
    if (typeof jwk.d === 'string') {
      const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
      return { privateKey, publicKey: createPublicKey(privateKey), jwkKid: (jwk as { kid?: unknown }).kid };
    }
    return { privateKey: undefined, publicKey: createPublicKey({ key: jwk, format: 'jwk' }), jwkKid: (jwk as { kid?: unknown }).kid };
  } catch {
    return undefined;
  }
}

function keyTypeOf(publicKey: NodeKeyObject): AccessTokenAlgorithm | undefined {
  if (publicKey.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (publicKey.asymmetricKeyType === 'ec' && publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

/** The public members only (never `d`), plus what verifiers need to pick and use the key. */
function publicJwkOf(jwk: Record<string, string>, kid: string, alg: AccessTokenAlgorithm): Record<string, string> {
  const members = jwk['kty'] === 'EC' ? ['kty', 'crv', 'x', 'y'] : ['kty', 'crv', 'x'];
  const out: Record<string, string> = {};
  for (const member of members) out[member] = jwk[member]!;
  return { ...out, kid, alg, use: 'sig' };
}

/** RFC 7638: SHA-256 over the required members in lexicographic order. */
function thumbprint(jwk: Record<string, string>): string {
  const members = jwk['kty'] === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x'];
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}
