import { createHash, randomBytes } from 'node:crypto';
import type { MfaEnrollment } from './mfa-secret-store.interface.js';

/**
 * Names one secret in state-store keys: a re-enrolment starts a fresh time-step track, and
 * the key shows nothing of the secret (a truncated SHA-256 of 160 random bits).
 */
export function factorId(secret: string): string {
  return createHash('sha256').update(`totp-factor\0${secret}`).digest('base64url').slice(0, 16);
}

/** The factor name of a user without a readable secret: nothing is ever consumed under it. */
export const NO_FACTOR = 'none';

/** What a pending enrolment remembers of the user's enrolment: `none`, or its revision. */
export function revisionOf(enrollment: MfaEnrollment | null): string {
  if (enrollment == null) return 'none';
  // Enrolments saved before revisions existed: their confirmation time stands in.
  return enrollment.revision ?? `confirmed:${enrollment.confirmedAt}`;
}

export function newRevision(): string {
  return randomBytes(12).toString('base64url');
}
