import { createCipheriv, randomBytes } from 'node:crypto';
import { compactDecrypt, type CompactDecryptResult } from 'jose';
import type { SessionData } from 'express-session';
import type { ResolvedSealedKey } from './sealed-cookie-options.js';
import { hasSessionShape } from './sealed-record-shape.js';

/** A browser keeps at most 4096 bytes of one cookie (name, value and attributes): nothing longer is opened. */
export const MAX_COOKIE_BYTES = 4096;

/** JWE compact: five base64url parts, the second (the encrypted key) empty for `dir`. */
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What a sealed cookie carries: the session's ID (for the deny list), its deadline, its record. */
export interface SealedRecord {
  sid: string;
  /** The session's deadline when it was sealed (epoch ms): never opened after it. */
  exp: number;
  data: Partial<SessionData>;
}

/** Why a cookie did not open (for the event and the log; never the value). */
export type UnsealFailure = 'malformed' | 'unknown-key' | 'invalid' | 'wrong-cookie' | 'expired';

/**
 * Seals and opens session records as JWE compact (RFC 7516): `dir` + `A256GCM`, the key's id
 * as `kid`, and the cookie's name in the protected header, which is the AEAD's associated data:
 * a value moved to another cookie name (or another app sharing the key under another name)
 * does not open.
 *
 * Sealing is node:crypto's AES-256-GCM, synchronous, because the cookie goes into the response
 * head from a synchronous hook (a streamed response writes its head before it ends); opening
 * is jose's `compactDecrypt` with an allow-list of exactly `dir` and `A256GCM`. Both are the
 * same standard format: a test opens with jose what is sealed here and the other way round.
 */
export class SealedCookieCodec {
  private readonly byId: Map<string, Uint8Array>;

  constructor(
    private readonly keys: readonly ResolvedSealedKey[],
    private readonly cookieName: string,
  ) {
    this.byId = new Map(keys.map(({ id, key }) => [id, new Uint8Array(key)]));
  }

  /** The cookie value for `record`, sealed with the first key. */
  seal(record: SealedRecord): string {
    const { id, key } = this.keys[0]!;
    const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: id, cookie: this.cookieName })).toString('base64url');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(header, 'ascii'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(record), 'utf8'), cipher.final()]);
    return `${header}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  }

  /** The record in `value`, or why it did not open. Never throws. */
  async open(value: string, now = Date.now()): Promise<SealedRecord | UnsealFailure> {
    if (value.length > MAX_COOKIE_BYTES || !COMPACT_JWE.test(value)) return 'malformed';
    let opened: CompactDecryptResult;
    try {
      opened = await compactDecrypt(value, (header) => this.keyFor(header.kid), {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
    } catch (err) {
      return (err as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY' || err instanceof UnknownKey ? 'unknown-key' : 'invalid';
    }
    if (opened.protectedHeader['cookie'] !== this.cookieName) return 'wrong-cookie';
    const record = parseRecord(opened.plaintext);
    if (!record) return 'malformed';
    // A session with meta has its deadlines checked by SessionChecks on every request (which
    // ends it with a `session.expired` event); `exp` guards the records without one.
    return record.exp <= now && !record.data.meta ? 'expired' : record;
  }

  private keyFor(kid: string | undefined): Uint8Array {
    const key = kid === undefined ? undefined : this.byId.get(kid);
    if (!key) throw new UnknownKey();
    return key;
  }
}

class UnknownKey extends Error {}

/**
 * The plaintext as a record, or undefined. It was sealed by the module, but a leaked key could
 * seal anything: the shape is checked, and a `__proto__` key anywhere refuses the record (an
 * app's `Object.assign` of it would set a prototype).
 */
function parseRecord(plaintext: Uint8Array): SealedRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const { sid, exp, data } = parsed;
  if (typeof sid !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(sid)) return undefined;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || !isPlainObject(data) || hasProtoKey(data) || !hasSessionShape(data)) return undefined;
  return { sid, exp, data: data as Partial<SessionData> };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || hasProtoKey((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}
