import { createHash } from 'node:crypto';
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type VerifiedAuthenticationResponse,
} from '@simplewebauthn/server';
import type { Request } from 'express';
import { describeError } from '../errors/describe-error.js';
import { MfaLockedException } from '../errors/mfa.exceptions.js';
import { MfaNotPendingException, UnauthenticatedException } from '../errors/session.exceptions.js';
import type { PasskeyFailureReason } from '../events/passkey.event.js';
import { fullAuth } from '../mfa/mfa-request-checks.js';
import { revisionOf } from '../mfa/mfa-revision.js';
import type { AttemptDecision } from '../mfa/mfa-state-store.interface.js';
import type { CurrentSessionInfo, SessionAuthState, SessionUser } from '../session.types.js';
import type { PasskeyFlowDeps } from './passkey-flow-deps.js';
import { authenticationResponse } from './passkey-response-shape.js';
import type { PasskeyCredential } from './passkey-store.interface.js';
import { InvalidPasskeyException, NoPasskeysException } from './passkey.exceptions.js';

/** What a passkey assertion is for. */
export type PasskeyAssertionPurpose = 'login' | 'second_factor' | 'step_up';

/** Finds the user a passwordless login signs in (the app's own lookup): null refuses the login. */
export type PasskeyUserLoader = (userId: string) => Promise<SessionUser | null> | SessionUser | null;

/** The attempt in progress: whose budget it counts against, and what the count decided. */
interface Attempt {
  userId: string;
  credentialId: string;
  purpose: PasskeyAssertionPurpose;
  decision: AttemptDecision;
}

/**
 * Checking a passkey assertion: passwordless login (discoverable credential, user verification
 * required: both factors), the second factor after the password, and step-up. Every attempt
 * against a known account counts toward the MFA attempt budget before anything is checked, and
 * a success clears it, exactly like a TOTP code.
 */
export class PasskeyAuthenticationFlow {
  constructor(private readonly deps: PasskeyFlowDeps) {}

  /** See PasskeyService.authenticationOptions. */
  async options(req: Request, purpose: PasskeyAssertionPurpose): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { passkeys, challenges } = this.deps;
    if (purpose === 'login') {
      // No allowCredentials: the browser offers the user's discoverable passkeys for this site.
      const options = await generateAuthenticationOptions({ rpID: passkeys.rpID, userVerification: 'required', timeout: passkeys.challengeTtl });
      await challenges.hold(req, options.challenge, 'login');
      return options;
    }
    const userId = this.sessionAuth(req, purpose).user.id;
    const credentials = await passkeys.store.listByUser(userId);
    if (credentials.length === 0) throw new NoPasskeysException();
    const options = await generateAuthenticationOptions({
      rpID: passkeys.rpID,
      allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports })),
      userVerification: 'preferred',
      timeout: passkeys.challengeTtl,
    });
    await challenges.hold(req, options.challenge, purpose, userId);
    return options;
  }

  /**
   * See PasskeyService.login / verifySecondFactor / stepUp. On success the session is signed in
   * (login) or MFA-verified, under a new session ID.
   */
  async verify(req: Request, body: unknown, purpose: PasskeyAssertionPurpose, loadUser?: PasskeyUserLoader): Promise<CurrentSessionInfo> {
    const { store } = this.deps.passkeys;
    const response = authenticationResponse(body);
    const sessionUserId = purpose === 'login' ? undefined : this.sessionAuth(req, purpose).user.id;
    const challenge = await this.deps.challenges.take(req, purpose, sessionUserId);
    const credential = await store.findById(response.id);
    const userId = sessionUserId ?? credential?.userId;
    if (userId === undefined || challenge === undefined) {
      // Not counted: a passkey nobody has leaves no account's budget to count against, and
      // without a live challenge nothing can pass (a replay, a reload after 5 minutes, a
      // challenge lost to an ID rotation), so there is nothing to guess at.
      const reason = userId === undefined ? 'unknown_credential' : 'challenge';
      this.deps.reporter.emit(req, { type: 'passkey.failed', userId, credentialId: response.id, purpose, reason });
      throw new InvalidPasskeyException();
    }
    const attempt: Attempt = { userId, credentialId: response.id, purpose, decision: await this.beginAttempt(req, userId, purpose) };
    if (!credential || credential.userId !== userId) this.refuse(req, attempt, 'unknown_credential');
    // Single-use across parallel requests and instances: the session alone is last-writer-wins.
    if (!(await this.consumeChallenge(userId, challenge))) this.refuse(req, attempt, 'challenge');
    const handle = response.response.userHandle;
    if ((purpose === 'login' && handle === undefined) || (handle !== undefined && handle !== credential.userHandle)) {
      this.refuse(req, attempt, 'unknown_credential');
    }
    const verification = await this.checkAssertion(req, attempt, response, credential, challenge);
    const { newCounter, userVerified, credentialBackedUp } = verification.authenticationInfo;
    // The library checks the counter too, but after a failed signature it still reports one:
    // the rule is applied here, on verified assertions only. 0/0 is an authenticator without a counter.
    if ((credential.counter > 0 || newCounter > 0) && newCounter <= credential.counter) this.refuse(req, attempt, 'counter_regression');
    const now = this.deps.clock();
    await store.update(credential.id, { counter: newCounter, lastUsedAt: now, backedUp: credentialBackedUp });
    await this.deps.access.call(this.deps.access.state.clearAttempts(userId));
    if (purpose === 'login') {
      const user = loadUser ? await loadUser(userId) : null;
      if (!user || user.id !== userId) this.refuse(req, attempt, 'user_unavailable');
      await this.deps.sessions.login(req, user);
    }
    this.deps.reporter.emit(req, { type: 'passkey.used', userId, credentialId: credential.id, purpose, userVerified });
    const revision = revisionOf(await this.deps.mfa.secretStore.find(userId));
    return this.deps.sessions.completeMfa(req, now, revision);
  }

  /** Signature, challenge, origin, RP ID and (for login) user verification, by @simplewebauthn/server. */
  private async checkAssertion(
    req: Request,
    attempt: Attempt,
    response: AuthenticationResponseJSON,
    credential: PasskeyCredential,
    challenge: string,
  ): Promise<VerifiedAuthenticationResponse> {
    const { passkeys, logger } = this.deps;
    let verification: VerifiedAuthenticationResponse;
    try {
      verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: passkeys.origins,
        expectedRPID: passkeys.rpID,
        // Counter 0 here: the counter rule is applied after the signature verified (see verify).
        credential: { id: credential.id, publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')), counter: 0, transports: credential.transports },
        requireUserVerification: attempt.purpose === 'login',
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      logger.debug(`a passkey assertion did not verify: ${describeError(err)}`);
      this.refuse(req, attempt, /user verification/i.test(message) ? 'user_not_verified' : 'invalid_response');
    }
    if (!verification.verified) this.refuse(req, attempt, 'invalid_signature');
    return verification;
  }

  /** Marks the challenge used in the shared MFA state (true exactly once), for as long as it could be answered. */
  private consumeChallenge(userId: string, challenge: string): Promise<boolean> {
    const { access, passkeys } = this.deps;
    const name = `pk-${createHash('sha256').update(challenge).digest('base64url').slice(0, 22)}`;
    return access.call(access.state.consumeTimeStep(userId, name, 1, passkeys.challengeTtl + 60_000));
  }

  private sessionAuth(req: Request, purpose: Exclude<PasskeyAssertionPurpose, 'login'>): SessionAuthState {
    if (purpose === 'step_up') return fullAuth(req);
    const auth = req.session?.auth;
    if (!auth) throw new UnauthenticatedException();
    if (auth.mfa !== 'pending') throw new MfaNotPendingException();
    return auth;
  }

  /** Counts the attempt up front against the account's MFA budget; a locked account answers 429. */
  private async beginAttempt(req: Request, userId: string, purpose: PasskeyAssertionPurpose): Promise<AttemptDecision> {
    const { maxAttempts, lockoutDuration, maxLockoutDuration } = this.deps.mfa;
    const { access } = this.deps;
    const now = this.deps.clock();
    const decision = await access.call(access.state.beginAttempt(userId, { maxAttempts, lockoutDuration, maxLockoutDuration }, now));
    if (!decision.allowed) {
      this.deps.mfaReporter.emit(req, userId, 'refused_locked', mfaPurposeOf(purpose), { method: 'passkey', lockedUntil: decision.lockedUntil });
      const retryAfter = Math.max(1, Math.ceil((decision.lockedUntil - now) / 1000));
      req.res?.setHeader('Retry-After', String(retryAfter));
      throw new MfaLockedException(retryAfter);
    }
    return decision;
  }

  /** A refused assertion: reported (with the lock it started, if any), then 401 `invalid_passkey`. */
  private refuse(req: Request, attempt: Attempt, reason: PasskeyFailureReason): never {
    const { userId, credentialId, purpose, decision } = attempt;
    this.deps.reporter.emit(req, { type: 'passkey.failed', userId, credentialId, purpose, reason });
    if (reason === 'counter_regression') {
      this.deps.logger.warn(`passkey ${credentialId} of user ${userId}: the signature counter went backwards: possibly a cloned authenticator`);
    }
    if (decision.lockedUntil !== undefined) {
      this.deps.mfaReporter.emit(req, userId, 'locked', mfaPurposeOf(purpose), { method: 'passkey', lockedUntil: decision.lockedUntil });
    }
    throw new InvalidPasskeyException();
  }
}

function mfaPurposeOf(purpose: PasskeyAssertionPurpose): 'login' | 'step_up' {
  return purpose === 'step_up' ? 'step_up' : 'login';
}
