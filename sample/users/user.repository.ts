import { randomBytes } from 'node:crypto';
import type { MfaEnrollment, MfaSecretStore } from '../../lib/index.js';
import { MemoryPasskeyStore } from '../../lib/testing/memory-passkey.store.js';
import { hashPassword, verifyPassword, type PasswordHash } from './password-hasher.js';

/** What the API shows of a user. */
export interface PublicUser {
  id: string;
  username: string;
}

interface StoredUser extends PublicUser {
  password: PasswordHash;
  mfa: MfaEnrollment | null;
}

/** The demo accounts (see docs/SAMPLE-HTTP.md). */
const DEMO_USERS = [
  { id: 'user-alice', username: 'alice', password: 'alice-password' },
  { id: 'user-bob', username: 'bob', password: 'bob-password' },
];

/**
 * The sample's users, in memory. It is also the module's {@link MfaSecretStore}: TOTP secrets
 * belong with the user record, as they would in a real user table.
 */
export class UserRepository implements MfaSecretStore {
  /** The users' passkeys (the module's PasskeyStore), in memory like the users themselves. */
  readonly passkeys = new MemoryPasskeyStore();
  /** Users from single sign-on, by ID (`sso:<sub>`); never found by username. */
  private readonly external = new Map<string, Pick<StoredUser, 'id' | 'username' | 'mfa'>>();

  private constructor(
    private readonly byUsername: Map<string, StoredUser>,
    /** Checked when the username is unknown, so that a miss costs the same scrypt as a hit. */
    private readonly decoy: PasswordHash,
  ) {}

  /** A repository holding alice and bob. */
  static async withDemoUsers(): Promise<UserRepository> {
    const users = new Map<string, StoredUser>();
    for (const { id, username, password } of DEMO_USERS) {
      users.set(username, { id, username, password: await hashPassword(password), mfa: null });
    }
    const decoy = await hashPassword(randomBytes(16).toString('hex'));
    return new UserRepository(users, decoy);
  }

  /** The user whose password this is, or null; unknown users and wrong passwords cost the same. */
  async verifyCredentials(username: string, password: string): Promise<PublicUser | null> {
    const user = this.byUsername.get(username);
    const matches = await verifyPassword(password, user?.password ?? this.decoy);
    return user && matches ? { id: user.id, username: user.username } : null;
  }

  /** The user with this ID as the API shows it, or null. */
  publicUser(userId: string): PublicUser | null {
    const user = this.byId(userId);
    return user ? { id: user.id, username: user.username } : null;
  }

  /** The ID of the account a username names, for audit events only (the API answers alike for unknown users). */
  idOf(username: string): string | undefined {
    return this.byUsername.get(username)?.id;
  }

  async find(userId: string): Promise<MfaEnrollment | null> {
    return this.byId(userId)?.mfa ?? null;
  }

  async save(userId: string, enrollment: MfaEnrollment): Promise<void> {
    const user = this.byId(userId);
    if (!user) throw new Error(`UserRepository: no user ${userId}`);
    user.mfa = { ...enrollment };
  }

  async remove(userId: string): Promise<void> {
    const user = this.byId(userId);
    if (user) user.mfa = null;
  }

  /**
   * A user who signed in through single sign-on: created on first sign-in (no password, so no
   * password login), kept like the others so that MFA can be enrolled.
   */
  signedInExternally(id: string, username: string): PublicUser {
    const user = this.external.get(id) ?? { id, username, mfa: null };
    user.username = username;
    this.external.set(id, user);
    return { id, username };
  }

  private byId(userId: string): Pick<StoredUser, 'id' | 'username' | 'mfa'> | undefined {
    for (const user of this.byUsername.values()) if (user.id === userId) return user;
    return this.external.get(userId);
  }
}
