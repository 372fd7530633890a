import { randomFillSync } from 'node:crypto';

/** Random bytes fetched from the CSPRNG at a time: enough for about 170 session IDs. */
const POOL_BYTES = 4096;

/** Filled on first use; each byte is handed out once, then the whole pool is filled again. */
const pool = Buffer.alloc(POOL_BYTES);
let next = POOL_BYTES;

/**
 * `bytes` random bytes from the CSPRNG as base64url text, for session IDs, device handles and
 * token IDs. The bytes come from a pool filled by one `randomFillSync` call for many IDs: a
 * synchronous `randomBytes` call costs about 5 µs however few bytes it returns (measured on the
 * bench machine), which was a login's largest single cost in the module. Node's own
 * `crypto.randomUUID()` buffers its entropy the same way. No byte is ever handed out twice.
 */
export function randomText(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes <= 0 || bytes > POOL_BYTES) {
    throw new RangeError(`randomText: bytes must be an integer from 1 to ${POOL_BYTES}`);
  }
  if (next + bytes > POOL_BYTES) {
    randomFillSync(pool);
    next = 0;
  }
  const text = pool.toString('base64url', next, next + bytes);
  next += bytes;
  return text;
}
