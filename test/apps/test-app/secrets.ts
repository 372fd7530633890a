import type { MfaEnrollment, MfaOptions, MfaSecretStore, SessionModuleOptions } from '../../../lib/index.js';

/** The fixture's signing secret (and so, by default, its ID-hashing secret). */
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** The session cookie's name in the fixture (HTTPS through a trusted proxy). */
export const COOKIE = '__Host-sid';

/** Users' TOTP secrets in memory, as the app would keep them. */
export class InMemoryMfaSecrets implements MfaSecretStore {
  readonly enrollments = new Map<string, MfaEnrollment>();
  async find(userId: string) {
    return this.enrollments.get(userId) ?? null;
  }
  async save(userId: string, enrollment: MfaEnrollment) {
    this.enrollments.set(userId, enrollment);
  }
  async remove(userId: string) {
    this.enrollments.delete(userId);
  }
}

/**
 * The app's enrolment table, answering after a real I/O turn as a database would, so
 * concurrent read-modify-writes interleave the way they do in production.
 */
export class DatabaseLikeMfaSecrets extends InMemoryMfaSecrets {
  override async find(userId: string) {
    await ioTurn();
    return structuredClone(await super.find(userId));
  }
  override async save(userId: string, enrollment: MfaEnrollment) {
    await ioTurn();
    await super.save(userId, structuredClone(enrollment));
  }
  override async remove(userId: string) {
    await ioTurn();
    await super.remove(userId);
  }
}

function ioTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

/** `mfa` options on an in-memory secret store. */
export function testMfa(secretStore: MfaSecretStore = new InMemoryMfaSecrets()): MfaOptions {
  return { secretStore, issuer: 'Test' };
}

/** Session options with the fixture's secret and TOTP MFA; `overrides` replace fields whole. */
export function testOptions(overrides: Partial<SessionModuleOptions> = {}): SessionModuleOptions {
  return { secret: TEST_SECRET, mfa: testMfa(), ...overrides };
}
