import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MfaEnrollment, MfaSecretStore } from '../../lib/index.js';
import { MemoryPasskeyStore } from '../../lib/testing/memory-passkey.store.js';
import type { PublicUser } from '../../sample/users/user.repository.js';

/** The soak's accounts: `soak-0000` ... with password `<username>-password`. */
export function soakUsername(index: number): string {
  return `soak-${String(index).padStart(4, '0')}`;
}

export function soakPassword(username: string): string {
  return `${username}-password`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Stands in for the sample's UserRepository in the soak's app instances. The sample keeps two
 * users and their TOTP enrolments in process memory, so an enrolment made on one instance is
 * unknown to the other and lost on a restart; this directory has as many users as the soak
 * needs and keeps enrolments in files both instances share (a user table that is not Redis,
 * so Redis faults hit sessions only). Passwords are compared as SHA-256 digests: the soak
 * exercises sessions, and 200 scrypt hashes per start would make an instance restart slow.
 */
export class SoakUserDirectory implements MfaSecretStore {
  /** The sample registers passkeys when its origin allows WebAuthn; the soak's users have none. */
  readonly passkeys = new MemoryPasskeyStore();

  constructor(
    private readonly dir: string,
    private readonly count: number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  async verifyCredentials(username: string, password: string): Promise<PublicUser | null> {
    const match = /^soak-(\d{4})$/.exec(username);
    const known = match !== null && Number(match[1]) < this.count;
    const same = timingSafeEqual(sha256(password), sha256(soakPassword(username)));
    return known && same ? { id: `user-${username}`, username } : null;
  }

  async find(userId: string): Promise<MfaEnrollment | null> {
    try {
      return JSON.parse(readFileSync(this.file(userId), 'utf8')) as MfaEnrollment;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async save(userId: string, enrollment: MfaEnrollment): Promise<void> {
    // Write then rename: the other instance never reads half a file.
    const temp = `${this.file(userId)}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(enrollment));
    renameSync(temp, this.file(userId));
  }

  async remove(userId: string): Promise<void> {
    rmSync(this.file(userId), { force: true });
  }

  private file(userId: string): string {
    if (!/^user-soak-\d{4}$/.test(userId)) throw new Error('SoakUserDirectory: not a soak user id');
    return join(this.dir, `${userId}.json`);
  }
}
