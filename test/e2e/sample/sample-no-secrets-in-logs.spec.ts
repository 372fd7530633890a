import type { LoggerService } from '@nestjs/common';
import type { Response } from 'supertest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionEvents, type SessionEvent } from '../../../lib/index.js';
import { BrowserClient, setCookies } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, BOB, expectError, login, perTestHarness, wrongCode, type SampleHarness } from './sample-harness.js';

/** A Nest logger that keeps every line, whatever its level or arguments. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...args: unknown[]) => this.keep(args);
  warn = (...args: unknown[]) => this.keep(args);
  error = (...args: unknown[]) => this.keep(args);
  debug = (...args: unknown[]) => this.keep(args);
  verbose = (...args: unknown[]) => this.keep(args);
  fatal = (...args: unknown[]) => this.keep(args);
  private keep(args: unknown[]): void {
    this.lines.push(args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? `${arg.stack}` : JSON.stringify(arg))).join(' '));
  }
}

/** Every value a cookie held, raw and decoded, and the session ID and signature inside it. */
function cookieSecrets(value: string): string[] {
  const decoded = decodeURIComponent(value);
  const dot = decoded.lastIndexOf('.');
  return [value, decoded, decoded.slice(2, dot), decoded.slice(dot + 1)];
}

/** A 6-digit code as a whole number in text (a code inside a longer number, like a timestamp, is no leak). */
function containsCode(text: string, code: string): boolean {
  return new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text);
}

describe.each(STORES)('T22 sample: nothing logged or emitted holds a session ID, cookie, code or secret on $name', (store) => {
  const harness = perTestHarness(store, 'sample-no-secrets');
  let sample: SampleHarness;
  let logger: CapturingLogger;
  const printed: string[] = [];
  const events: SessionEvent[] = [];
  const cookies = new Set<string>();

  beforeEach(async () => {
    printed.length = 0;
    events.length = 0;
    cookies.clear();
    // Whatever bypasses Nest's logger: console and the process's own streams.
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        printed.push(String(chunk));
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write);
    }
    // Every response any client of this test receives: its Set-Cookie values are secrets.
    for (const method of ['get', 'post', 'delete'] as const) {
      const original = BrowserClient.prototype[method] as (this: BrowserClient, ...args: unknown[]) => Promise<Response>;
      vi.spyOn(BrowserClient.prototype, method).mockImplementation(async function (this: BrowserClient, ...args: unknown[]) {
        const res = await original.apply(this, args);
        for (const cookie of setCookies(res)) if (cookie.value) cookies.add(cookie.value);
        return res;
      } as never);
    }
    sample = harness();
    logger = new CapturingLogger();
    await sample.start({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '2' }, { clock: true, logger });
    sample.app.get(SessionEvents).subscribe((event) => void events.push(event));
  });
  afterEach(() => vi.restoreAllMocks());

  it('through login, MFA enrol/verify/recovery/step-up, recovery-code regeneration, devices, throttling and logout', async () => {
    const secrets: string[] = [];
    const codes: string[] = [];

    // Enrol: secret, otpauth URI, recovery codes.
    const alice = sample.client();
    await login(alice, ALICE);
    const started = await alice.post('/api/mfa/enroll');
    secrets.push(started.body.otpauthUrl, new URL(started.body.otpauthUrl).searchParams.get('secret')!);
    const secret = secrets[1]!;
    const confirmCode = await sample.code(secret);
    codes.push(confirmCode);
    const confirmed = await alice.post('/api/mfa/enroll/confirm', { code: confirmCode });
    expect(confirmed.status).toBe(200);
    secrets.push(...confirmed.body.recoveryCodes);
    sample.clock!.advance(30_000);

    // Verify at login, with a wrong and a right code.
    const second = sample.client();
    expect((await login(second, ALICE)).body.mfa).toBe('required');
    const wrong = await wrongCode(secret);
    codes.push(wrong);
    expectError(await second.post('/api/auth/mfa/verify', { code: wrong }), 401, 'invalid_code');
    const verifyCode = await sample.code(secret);
    codes.push(verifyCode);
    expect((await second.post('/api/auth/mfa/verify', { code: verifyCode })).status).toBe(200);
    sample.clock!.advance(30_000);

    // A recovery code at login.
    const third = sample.client();
    await login(third, ALICE);
    expect((await third.post('/api/auth/mfa/recovery', { code: confirmed.body.recoveryCodes[0] })).status).toBe(200);

    // Step-up, then a new set of recovery codes.
    sample.clock!.advance(6 * 60_000);
    const stepUpCode = await sample.code(secret);
    codes.push(stepUpCode);
    expect((await second.post('/api/auth/mfa/step-up', { code: stepUpCode })).status).toBe(200);
    const regenerated = await second.post('/api/mfa/recovery-codes');
    expect(regenerated.status).toBe(200);
    secrets.push(...regenerated.body.recoveryCodes);

    // Devices: revoke one, then all others.
    const list = await second.get('/api/sessions');
    const other = list.body.find((row: { current: boolean }) => !row.current);
    expect((await second.delete(`/api/sessions/${other.id}`)).status).toBe(204);
    expect((await second.post('/api/sessions/revoke-others')).status).toBe(204);

    // Wrong passwords until throttled, for bob.
    const wrongPassword = 'bob-wrong-password-7f3a';
    secrets.push(wrongPassword, ALICE.password, BOB.password);
    for (let i = 0; i < 3; i++) await login(sample.client(), { username: BOB.username, password: wrongPassword });

    // Logout.
    expect((await second.post('/api/auth/logout')).status).toBe(204);

    // The run produced what this test looks for: cookies, events of every kind, log lines.
    for (const client of [alice, second, third]) for (const value of client.jar.values()) cookies.add(value);
    expect(cookies.size).toBeGreaterThanOrEqual(6);
    const types = new Set(events.map((event) => (event.type === 'mfa' ? `mfa.${event.outcome}` : event.type)));
    for (const type of ['login', 'logout', 'login_failed', 'mfa.enrolled', 'mfa.verified', 'mfa.failed', 'mfa.recovery_code_used', 'mfa.recovery_codes_regenerated', 'session.revoked']) {
      expect(types, type).toContain(type);
    }
    const failures = events.filter((event) => event.type === 'login_failed');
    expect(failures.map((event) => event.reason)).toEqual(['invalid_credentials', 'invalid_credentials', 'throttled']);
    expect(failures.every((event) => event.username === BOB.username)).toBe(true);
    expect(logger.lines.some((line) => line.includes('"type":"login"'))).toBe(true);

    const haystack = [...logger.lines, ...printed, ...events.map((event) => JSON.stringify(event))].join('\n');
    for (const value of [...cookies].flatMap(cookieSecrets)) expect(haystack, 'a cookie or session ID').not.toContain(value);
    for (const value of secrets) expect(haystack, 'a secret, recovery code or password').not.toContain(value);
    for (const code of codes) expect(containsCode(haystack, code), `TOTP code ${code}`).toBe(false);
  });
});
