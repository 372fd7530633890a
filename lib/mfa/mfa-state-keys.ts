import { keySegment } from '../util/key-segment.js';

/**
 * Key names of the MFA state, after the store prefix: `mfa:{u:<userId>}:<what>`.
 *
 * Every key of one user carries the hash tag `{u:<userId>}`, so on Redis Cluster all of a
 * user's MFA keys sit in one slot and a script may touch several of them. The user ID goes
 * through {@link keySegment} (injective, never throws), so a `{` or `}` in it cannot move the
 * tag; keys never collide with session keys, which are bare base64url HMACs.
 */
export const MfaStateKeys = {
  /** Hash `{ fails, locks, lockedUntil }`: the attempt budget. */
  attempts: (userId: string) => `${tag(userId)}:attempts`,
  /** The last consumed TOTP time step of one factor. */
  timeStep: (userId: string, factorId: string) => `${tag(userId)}:totp:${factorId}`,
  /** The enrolment mutex. */
  lock: (userId: string) => `${tag(userId)}:lock`,
};

function tag(userId: string): string {
  return `mfa:{u:${keySegment(userId)}}`;
}
