import { describe, expect, it } from 'vitest';
import { isRotationDue, mayHaveRotated } from './rotation-due.js';

const options = { rotateInterval: 15 * 60_000 };
const now = 1_000_000_000_000;
const meta = (idAgeMs: number) => ({ createdAt: now - 3_600_000, lastSeenAt: now, idIssuedAt: now - idAgeMs, handle: 'h' });

describe('rotation due', () => {
  it('is due once rotateInterval has passed since the ID was issued', () => {
    expect(isRotationDue(meta(15 * 60_000 - 1), options, now)).toBe(false);
    expect(isRotationDue(meta(15 * 60_000), options, now)).toBe(true);
  });

  it('tells when ending an ID needs no forward lookup: younger than the interval less a minute of clock skew', () => {
    expect(mayHaveRotated(meta(60_000), false, options, now)).toBe(false);
    expect(mayHaveRotated(meta(14 * 60_000 - 1), false, options, now)).toBe(false);
    // Another instance's clock may run up to a minute ahead: from here on it may have rotated.
    expect(mayHaveRotated(meta(14 * 60_000), false, options, now)).toBe(true);
  });

  it('always looks for a forward when the record came through one, or the session has no meta', () => {
    expect(mayHaveRotated(meta(1_000), true, options, now)).toBe(true);
    expect(mayHaveRotated(undefined, false, options, now)).toBe(true);
  });

  it('always looks when the interval is shorter than the clock skew allowed', () => {
    expect(mayHaveRotated(meta(0), false, { rotateInterval: 30_000 }, now)).toBe(true);
  });
});
