import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp } from '../../apps/test-app/index.js';
import { sessionIdOf } from '../../support/session-cookie.js';
import { STORES } from '../../support/stores.js';

const LOGINS = 1_000;
const PARALLEL = 50;

describe.each(STORES)('T02 session ID entropy and uniqueness on $name', (under) => {
  let running: RunningBasicApp;
  const ids: string[] = [];

  beforeAll(async () => {
    running = await startBasicApp(under);
    // Fresh browsers, so every login creates a session from nothing; batches keep it quick.
    for (let done = 0; done < LOGINS; done += PARALLEL) {
      const batch = Array.from({ length: PARALLEL }, async (_, i) => {
        const browser = running.browser();
        const res = await running.login(browser, `user${done + i}`);
        if (res.status !== 200) throw new Error(`login ${done + i}: ${res.status}`);
        return sessionIdOf(browser.cookie(COOKIE)!);
      });
      ids.push(...(await Promise.all(batch)));
    }
  }, 120_000); // 1,000 logins: a generous bound for a loaded machine; no timing is asserted.
  afterAll(() => running.close());

  it(`${LOGINS} logins give ${LOGINS} different IDs`, () => {
    expect(ids).toHaveLength(LOGINS);
    expect(new Set(ids).size).toBe(LOGINS);
  });

  it('each ID is 32 base64url characters (room for 192 bits; their spread is checked below), unrelated to the user', () => {
    for (const [i, id] of ids.entries()) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(id).not.toContain(`user${i}`);
    }
  });

  it('IDs share no structure: no common prefix, and every position takes many characters', () => {
    const first = ids[0]!;
    expect(ids.every((id) => id.startsWith(first.slice(0, 3)))).toBe(false);
    for (let position = 0; position < 32; position++) {
      const characters = new Set(ids.map((id) => id[position]));
      // 1,000 draws from 64 symbols: a random position shows nearly all of them.
      expect(characters.size, `position ${position}`).toBeGreaterThan(48);
    }
  });
});
