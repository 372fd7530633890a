import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemorySessionIndex, type SessionIndex, type SessionIndexEntry, type SessionIndexTarget } from '../../../lib/index.js';
import { type RunningMfaApp, secretOf, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

/** A working index whose listing can be made to fail, as a Redis index does when Redis is away. */
class ListFailingIndex implements SessionIndex {
  private readonly inner = new MemorySessionIndex();
  failLists = false;
  put(userId: string, entry: SessionIndexEntry, now: number) {
    return this.inner.put(userId, entry, now);
  }
  replace(userId: string, entry: SessionIndexEntry, now: number) {
    return this.inner.replace(userId, entry, now);
  }
  list(userId: string, now: number) {
    return this.failLists ? Promise.reject(new Error('index unreachable')) : this.inner.list(userId, now);
  }
  get(userId: string, handle: string, now: number) {
    return this.inner.get(userId, handle, now);
  }
  remove(userId: string, targets: readonly SessionIndexTarget[], now: number) {
    return this.inner.remove(userId, targets, now);
  }
  close() {
    return this.inner.close();
  }
}

describe.each(STORES)('mfa.endOtherSessionsOnChange (the default) through MfaService on $name', (under) => {
  let running: RunningMfaApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
    vi.restoreAllMocks();
  });

  it("confirming an enrolment ends the user's other sessions and reports each as session.revoked (mfa_changed)", async () => {
    running = await startMfaApp(under);
    const other = await running.passwordOnly('alice');
    const { browser } = await running.enroll('alice');
    expect((await other.get('/me')).status).toBe(401);
    expect((await browser.get('/me')).status).toBe(200);
    const revoked = running.events.filter((e) => e.type === 'session.revoked');
    expect(revoked).toEqual([expect.objectContaining({ userId: 'alice', reason: 'mfa_changed' })]);
  });

  it.runIf(under.name === 'memory')('an index failure after the change still answers with the recovery codes, and logs it', async () => {
    const index = new ListFailingIndex();
    running = await startMfaApp(under, {}, { sessionIndex: index });
    const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const browser = await running.passwordOnly('alice');
    const started = await browser.post('/mfa/enroll');
    index.failLists = true;
    const confirmed = await browser.post('/mfa/enroll/confirm', { code: await running.code(secretOf(started.body.otpauthUrl)) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(errors.mock.calls.map(([message]) => String(message)).join('\n')).toMatch(/could not end the user's other sessions/);
  });
});
