import type { LoggerService } from '@nestjs/common';
import { beforeEach, describe, expect, it } from 'vitest';
import { STORES } from '../../support/stores.js';
import { ALICE, expectError, login, perTestHarness, wrongCode, type SampleHarness } from './sample-harness.js';

interface LogLine {
  level: string;
  context: string;
  message: string;
}

/** A Nest logger that keeps every line. */
class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];
  log(message: unknown, context?: string) {
    this.keep('log', message, context);
  }
  warn(message: unknown, context?: string) {
    this.keep('warn', message, context);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.keep('error', message, typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : '');
  }
  debug(message: unknown, context?: string) {
    this.keep('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.keep('verbose', message, context);
  }
  private keep(level: string, message: unknown, context = '') {
    this.lines.push({ level, context, message: typeof message === 'string' ? message : JSON.stringify(message) });
  }
}

describe.each(STORES)(
  'T22 sample: security events are logged, one line each, without codes or secrets on $name',
  (store) => {
    const harness = perTestHarness(store, 'sample-audit');
    let sample: SampleHarness;
    let logger: CapturingLogger;
    beforeEach(async () => {
      sample = harness();
      logger = new CapturingLogger();
      await sample.start({ MFA_MAX_ATTEMPTS: '2', LOGIN_MAX_FAILURES_PER_ACCOUNT: '2' }, { clock: true, logger });
    });

    it('enrolment, verification, failures, lock, recovery and login throttling each leave an audit line', async () => {
      const secrets: string[] = [];
      const client = sample.client();
      await login(client, ALICE);
      const { secret, recoveryCodes } = await sample.enrol(client);
      secrets.push(secret, ...recoveryCodes);
      await client.post('/api/auth/logout');

      await login(client, ALICE);
      const right = await sample.code(secret);
      secrets.push(right);
      expect((await client.post('/api/auth/mfa/verify', { code: right })).status).toBe(200);
      const pending = sample.client();
      await login(pending, ALICE);
      const wrong = await wrongCode(secret);
      secrets.push(wrong);
      expectError(await pending.post('/api/auth/mfa/verify', { code: right }), 401, 'invalid_code');
      expectError(await pending.post('/api/auth/mfa/verify', { code: wrong }), 401, 'invalid_code');
      expectError(await pending.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] }), 429, 'locked');
      sample.clock!.advance(31_000);
      expect((await pending.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] })).status).toBe(200);
      for (let i = 0; i < 2; i++) await login(sample.client(), { username: 'alice', password: 'not-her-password' });
      secrets.push('not-her-password', ALICE.password);

      const audit = logger.lines.filter((line) => line.context === 'SecurityAudit');
      const messages = audit.map((line) => line.message);
      const expected: Array<[string, string]> = [
        ['log', 'mfa enrolled, user "user-alice", purpose enrollment, method totp, 10 recovery codes left'],
        ['log', 'mfa verified, user "user-alice", purpose login, method totp'],
        ['warn', 'mfa replay_refused, user "user-alice", purpose login, method totp'],
        ['warn', 'mfa failed, user "user-alice", purpose login, method totp'],
        ['warn', 'mfa locked, user "user-alice", purpose login, method totp, locked until '],
        ['warn', 'mfa refused_locked, user "user-alice", purpose login, method recovery_code, locked until '],
        [
          'log',
          'mfa recovery_code_used, user "user-alice", purpose login, method recovery_code, 9 recovery codes left',
        ],
        ['warn', 'login throttled: account "alice", failed passwords refused for 900 s'],
      ];
      for (const [level, start] of expected) {
        const line = audit.find((l) => l.message.startsWith(start));
        expect(line, `${start}\n${messages.join('\n')}`).toBeDefined();
        expect(line!.level).toBe(level);
      }
      for (const line of audit) expect(line.message.split('\n')).toHaveLength(1);
      // Nothing anyone logged holds a secret, a code, a password or a cookie.
      const everything = logger.lines.map((line) => line.message).join('\n');
      for (const value of [...secrets, ...client.jar.values(), ...pending.jar.values()]) {
        expect(everything).not.toContain(value);
      }
    });
  },
);
