import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Request } from 'express';
import { SessionEventEmitter } from '../events/session-event-emitter.js';
import { MfaEventReporter } from '../mfa/mfa-event-reporter.js';
import { MfaStateAccess } from '../mfa/mfa-state-access.js';
import type { MfaStateStore } from '../mfa/mfa-state-store.interface.js';
import { MFA_CLOCK, MFA_STATE_STORE, type MfaClock } from '../mfa/mfa.constants.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import { SessionService } from '../session.service.js';
import type { CurrentSessionInfo } from '../session.types.js';
import { PasskeyAuthenticationFlow, type PasskeyUserLoader } from './passkey-authentication-flow.js';
import { PasskeyChallenges } from './passkey-challenge.js';
import { PasskeyRegistrationFlow, type PasskeySummary } from './passkey-registration-flow.js';
import { PasskeyReporter } from './passkey-reporter.js';

export type { PasskeySummary } from './passkey-registration-flow.js';
export type { PasskeyUserLoader } from './passkey-authentication-flow.js';

/**
 * Passkeys (WebAuthn) inside the module's MFA model: a passkey is a second factor wherever one
 * is asked for (the step after the password, step-up for `@RequireMfa()` and MFA changes), and a
 * user-verifying passkey signs in alone (both factors). Challenges are held in the session,
 * single-use and short-lived; every assertion against a known account counts toward the MFA
 * attempt budget and lock; the signature counter is saved only after a verified assertion, and
 * a counter that goes backwards is refused and reported (`passkey.failed`, `counter_regression`).
 * Logins go through SessionService's fixation-safe login: a new session ID.
 *
 * Registered only when SessionModule has `passkeys` (which needs `mfa`). Built on
 * `@simplewebauthn/server`; the browser side calls `navigator.credentials.create()` / `get()`
 * with the options returned here and posts `credential.toJSON()` back.
 */
@Injectable()
export class PasskeyService {
  private readonly registration: PasskeyRegistrationFlow;
  private readonly authentication: PasskeyAuthenticationFlow;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) options: ResolvedSessionOptions,
    sessions: SessionService,
    events: SessionEventEmitter,
    @Inject(MFA_CLOCK) clock: MfaClock,
    @Optional() @Inject(MFA_STATE_STORE) state?: MfaStateStore,
  ) {
    const { mfa, passkeys } = options;
    if (!mfa || !passkeys || !state) throw new Error('PasskeyService needs SessionModule options with both passkeys and mfa.');
    const logger = new Logger('PasskeyService');
    const deps = {
      passkeys,
      mfa,
      userHandleKey: options.idHashSecret,
      sessions,
      access: new MfaStateAccess(state, options.storeTimeout, mfa.pastSteps, logger),
      challenges: new PasskeyChallenges(sessions, clock, passkeys.challengeTtl),
      reporter: new PasskeyReporter(events, clock),
      mfaReporter: new MfaEventReporter(events, clock),
      events,
      clock,
      logger,
    };
    this.registration = new PasskeyRegistrationFlow(deps);
    this.authentication = new PasskeyAuthenticationFlow(deps);
  }

  /**
   * Creation options for `navigator.credentials.create()`, for a fully authenticated user; a
   * user who already has a second factor (TOTP or a passkey) needs a recent step-up (403
   * `step_up_required`). The challenge waits in the session.
   */
  registrationOptions(req: Request): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return this.registration.options(req);
  }

  /**
   * Verifies the browser's answer to {@link registrationOptions} (`credential.toJSON()`) and
   * stores the passkey under `name` (1 to 64 characters; default "Passkey"). The step-up rule is
   * checked again under the user's lock. The session then counts as MFA-verified (new session ID).
   * A wrong, used or expired challenge or an answer that does not verify: 400 `invalid_passkey`.
   */
  register(req: Request, response: unknown, name?: unknown): Promise<PasskeySummary> {
    return this.registration.register(req, response, name);
  }

  /**
   * Request options for `navigator.credentials.get()`: `login` (anyone; discoverable credentials,
   * user verification required), `second_factor` (a session waiting for MFA) or `step_up` (a
   * fully authenticated session); the latter two list the user's passkeys (400 `no_passkeys`).
   */
  authenticationOptions(req: Request, purpose: 'login' | 'second_factor' | 'step_up'): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.authentication.options(req, purpose);
  }

  /**
   * Passwordless login: verifies the assertion of a discoverable, user-verifying passkey, asks
   * `loadUser` for the passkey's user (return null to refuse: a disabled account) and logs the
   * user in with both factors done, under a new session ID. 401 `invalid_passkey` otherwise;
   * 429 `locked` while the account's MFA is locked.
   */
  login(req: Request, response: unknown, loadUser: PasskeyUserLoader): Promise<CurrentSessionInfo> {
    return this.authentication.verify(req, response, 'login', loadUser);
  }

  /** The MFA step after the password with one of the user's passkeys; new session ID. */
  verifySecondFactor(req: Request, response: unknown): Promise<CurrentSessionInfo> {
    return this.authentication.verify(req, response, 'second_factor');
  }

  /** Step-up with one of the user's passkeys: satisfies `@RequireMfa()` and MFA changes for `mfa.stepUpMaxAge`. */
  stepUp(req: Request, response: unknown): Promise<CurrentSessionInfo> {
    return this.authentication.verify(req, response, 'step_up');
  }

  /** The session user's passkeys, oldest first. */
  list(req: Request): Promise<PasskeySummary[]> {
    return this.registration.list(req);
  }

  /** Renames one of the session user's passkeys (404 `not_found` for any other). */
  rename(req: Request, credentialId: unknown, name: unknown): Promise<PasskeySummary> {
    return this.registration.rename(req, credentialId, name);
  }

  /**
   * Removes one of the session user's passkeys (404 `not_found` for any other). Needs a recent
   * step-up (403 `step_up_required`), like turning TOTP off; removing the last factor is allowed
   * and follows the same rule. Ends the user's other sessions with `mfa.endOtherSessionsOnChange`.
   */
  remove(req: Request, credentialId: unknown): Promise<void> {
    return this.registration.remove(req, credentialId);
  }
}
