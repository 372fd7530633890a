import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/** How many recovery codes an enrolment (or a regeneration) makes. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * Crockford's base32 alphabet, lower case: no i, l, o or u, so nothing reads as 1, 0 or v.
 * 16 characters of it carry 80 bits.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_LENGTH = 16;
const GROUP = 4;

/** What a typed code may look like: 16 alphabet characters, optionally in hyphen- or space-separated groups. */
const INPUT_SHAPE = /^[0-9a-z]{4}([- ]?[0-9a-z]{4}){3}$/;

/**
 * Single-use recovery codes: generation, input normalisation and hashing.
 *
 * Why SHA-256 and not a slow hash: a slow hash protects low-entropy secrets (passwords) from
 * offline guessing. Each recovery code is 80 random bits; at 10^12 SHA-256 per second an attacker
 * holding the hashes needs about 19,000 years per code. Salting with the user ID (and a domain
 * label) rules out precomputed tables and attacking every user's codes at once. So the stored
 * hashes need no key that would have to rotate with the encryption keys, and checking a code
 * costs microseconds, which keeps the login path free of a CPU-exhaustion lever.
 */
export const RecoveryCodes = {
  /** 10 fresh codes, `xxxx-xxxx-xxxx-xxxx`, to show to the user once. */
  generate(count = RECOVERY_CODE_COUNT): string[] {
    const codes = new Set<string>();
    while (codes.size < count) {
      let raw = '';
      for (let i = 0; i < CODE_LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
      codes.add(format(raw));
    }
    return [...codes];
  },

  /**
   * The canonical form of what a user typed (upper or lower case, with or without hyphens or
   * spaces, the look-alikes i/l -> 1 and o -> 0), or undefined when it cannot be a recovery code.
   */
  normalize(input: unknown): string | undefined {
    if (typeof input !== 'string' || input.length > 32) return undefined;
    const lowered = input.trim().toLowerCase();
    if (!INPUT_SHAPE.test(lowered)) return undefined;
    const raw = lowered.replace(/[- ]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
    if ([...raw].some((char) => !ALPHABET.includes(char))) return undefined;
    return format(raw);
  },

  /** The stored form of a normalised code: SHA-256 over a domain label, the user ID and the code. */
  hash(userId: string, normalized: string): string {
    return createHash('sha256').update(`nest-secure-session recovery code\0${userId}\0${normalized}`).digest('base64url');
  },

  /** The index of `hash` in `hashes`, comparing in constant time; -1 when absent. */
  indexOf(hashes: readonly string[], hash: string): number {
    const wanted = Buffer.from(hash);
    let found = -1;
    hashes.forEach((candidate, index) => {
      const bytes = Buffer.from(candidate);
      if (bytes.length === wanted.length && timingSafeEqual(bytes, wanted) && found === -1) found = index;
    });
    return found;
  },
};

function format(raw: string): string {
  const groups: string[] = [];
  for (let i = 0; i < raw.length; i += GROUP) groups.push(raw.slice(i, i + GROUP));
  return groups.join('-');
}
