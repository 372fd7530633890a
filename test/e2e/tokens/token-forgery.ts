import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type JsonWebKey } from 'node:crypto';

/** Test helpers that build JWTs by hand, so that every byte of a forged token is the test's choice. */

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export function encodeJson(value: unknown): string {
  return b64url(JSON.stringify(value));
}

/** `header.payload.signature` with the three parts given as JSON text (anything, even invalid JSON). */
export function rawToken(headerJson: string, payloadJson: string, signature = 'c2ln'): string {
  return `${b64url(headerJson)}.${b64url(payloadJson)}.${signature}`;
}

/** Signs `header` and `payload` (JSON text, so odd shapes can be signed) with an Ed25519 or P-256 private JWK. */
export function signRaw(headerJson: string, payloadJson: string, privateJwk: JsonWebKey): string {
  const input = `${b64url(headerJson)}.${b64url(payloadJson)}`;
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const signature =
    privateJwk.kty === 'EC' ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }) : sign(null, Buffer.from(input), key);
  return `${input}.${b64url(signature)}`;
}

export function signJson(header: object, payload: object, privateJwk: JsonWebKey): string {
  return signRaw(JSON.stringify(header), JSON.stringify(payload), privateJwk);
}

/** HS256 over the token with `secret` as the HMAC key: the classic alg-confusion forgery. */
export function hmacToken(header: object, payload: object, secret: Buffer | string): string {
  const input = `${encodeJson(header)}.${encodeJson(payload)}`;
  return `${input}.${b64url(createHmac('sha256', secret).update(input).digest())}`;
}

/** The decoded header and payload of a compact JWS (no verification). */
export function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

/** The public members of a private JWK. */
export function publicJwkOf(privateJwk: JsonWebKey): JsonWebKey {
  return createPublicKey({ key: privateJwk, format: 'jwk' }).export({ format: 'jwk' });
}

export function newEd25519Jwk(): JsonWebKey {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
}

export function newP256Jwk(): JsonWebKey {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
}
