import type { Request } from 'express';
import type { MfaClock } from '../mfa/mfa.constants.js';
import type { SessionService } from '../session.service.js';

/** What a challenge was issued for; it answers nothing else. */
export type PasskeyChallengePurpose = 'registration' | 'login' | 'second_factor' | 'step_up';

/** A WebAuthn challenge waiting in the server-side session for its answer. */
export interface PendingPasskeyChallenge {
  /** base64url, as in the options sent to the browser (and in the signed clientDataJSON). */
  challenge: string;
  purpose: PasskeyChallengePurpose;
  /** The session's user when issued (absent for passwordless login). */
  userId?: string;
  /** Epoch ms (the MFA clock). */
  issuedAt: number;
}

declare module 'express-session' {
  interface SessionData {
    /** A WebAuthn challenge waiting for its answer; server-side only, single-use. */
    passkeyChallenge?: PendingPasskeyChallenge;
  }
}

/**
 * Challenges live in the session (never in a body or cookie the client could choose) and are
 * single-use: taking one removes it before its answer is checked, whatever the outcome.
 */
export class PasskeyChallenges {
  constructor(
    private readonly sessions: SessionService,
    private readonly clock: MfaClock,
    private readonly ttl: number,
  ) {}

  /** Puts `challenge` in the session (replacing any earlier one) and saves it. */
  async hold(req: Request, challenge: string, purpose: PasskeyChallengePurpose, userId?: string): Promise<void> {
    req.session.passkeyChallenge = { challenge, purpose, issuedAt: this.clock(), ...(userId === undefined ? {} : { userId }) };
    await this.sessions.save(req);
  }

  /**
   * Takes the waiting challenge out of the session and saves that; returns it only when it was
   * issued for this purpose (and user) less than `challengeTtl` ago, else undefined.
   */
  async take(req: Request, purpose: PasskeyChallengePurpose, userId?: string): Promise<string | undefined> {
    const pending = req.session?.passkeyChallenge;
    if (!pending) return undefined;
    delete req.session.passkeyChallenge;
    await this.sessions.save(req);
    const age = this.clock() - pending.issuedAt;
    if (pending.purpose !== purpose || pending.userId !== userId) return undefined;
    if (!(age >= 0 && age <= this.ttl) || typeof pending.challenge !== 'string') return undefined;
    return pending.challenge;
  }
}
