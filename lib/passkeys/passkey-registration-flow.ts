import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import type { Request } from 'express';
import { describeError } from '../errors/describe-error.js';
import { fullAuth } from '../mfa/mfa-request-checks.js';
import { revisionOf } from '../mfa/mfa-revision.js';
import type { SessionAuthState } from '../session.types.js';
import type { PasskeyFlowDeps } from './passkey-flow-deps.js';
import { credentialIdParam, passkeyName, registrationResponse } from './passkey-response-shape.js';
import { requireRecentFactor } from './passkey-step-up.js';
import type { PasskeyCredential, PasskeyTransport } from './passkey-store.interface.js';
import { userHandleFor } from './passkey-user-handle.js';
import { InvalidPasskeyException, PasskeyNotFoundException } from './passkey.exceptions.js';

/** What a user sees of one of their passkeys. Never the public key or the counter. */
export interface PasskeySummary {
  id: string;
  name: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; null before the first use. */
  lastUsedAt: number | null;
  /** Synced to the user's other devices (a multi-device passkey). */
  backedUp: boolean;
}

export function summaryOf(credential: PasskeyCredential): PasskeySummary {
  const { id, name, createdAt, lastUsedAt, backedUp } = credential;
  return { id, name, createdAt, lastUsedAt, backedUp };
}

const FALLBACK_NAME = 'Passkey';

/**
 * Adding, listing, renaming and removing a user's passkeys. Adding and removing follow the rule
 * of TOTP changes: a user who already has a second factor needs a recent step-up, checked again
 * under the user's enrolment lock at the moment of the change.
 */
export class PasskeyRegistrationFlow {
  constructor(private readonly deps: PasskeyFlowDeps) {}

  /** See PasskeyService.registrationOptions. */
  async options(req: Request): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { passkeys } = this.deps;
    const auth = fullAuth(req);
    const userId = auth.user.id;
    const existing = await this.requireStepUpIfFactors(auth);
    const label = typeof auth.user['username'] === 'string' ? auth.user['username'] : userId;
    const options = await generateRegistrationOptions({
      rpName: passkeys.rpName,
      rpID: passkeys.rpID,
      userName: label,
      userDisplayName: label,
      userID: userHandleFor(userId, this.deps.userHandleKey),
      timeout: passkeys.challengeTtl,
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
      // Discoverable (so it can sign in alone) and user-verifying (so that sign-in is two factors).
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    await this.deps.challenges.hold(req, options.challenge, 'registration', userId);
    return options;
  }

  /** See PasskeyService.register. */
  async register(req: Request, body: unknown, name?: unknown): Promise<PasskeySummary> {
    const { passkeys, access, clock } = this.deps;
    const auth = fullAuth(req);
    const userId = auth.user.id;
    const response = registrationResponse(body);
    const label = passkeyName(name, FALLBACK_NAME);
    const challenge = await this.deps.challenges.take(req, 'registration', userId);
    if (challenge === undefined) this.refuse(req, userId, response.id, 'challenge');
    let verification: VerifiedRegistrationResponse;
    try {
      verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: passkeys.origins,
        expectedRPID: [passkeys.rpID],
        requireUserVerification: true,
      });
    } catch (err) {
      this.deps.logger.debug(`a passkey registration did not verify: ${describeError(err)}`);
      this.refuse(req, userId, response.id, 'invalid_response');
    }
    const info = verification.registrationInfo;
    if (!verification.verified || !info || info.credential.id !== response.id) this.refuse(req, userId, response.id, 'invalid_response');
    const now = clock();
    const credential: PasskeyCredential = {
      id: info.credential.id,
      userId,
      userHandle: Buffer.from(userHandleFor(userId, this.deps.userHandleKey)).toString('base64url'),
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: response.response.transports as PasskeyTransport[],
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backedUp: info.credentialBackedUp,
      name: label,
      createdAt: now,
      lastUsedAt: null,
    };
    const revision = await access.withEnrollmentLock(userId, async () => {
      await this.requireStepUpIfFactors(auth);
      if ((await passkeys.store.findById(credential.id)) != null) return undefined;
      await passkeys.store.add(credential);
      return revisionOf(await this.deps.mfa.secretStore.find(userId));
    });
    if (revision === undefined) {
      throw new InvalidPasskeyException(400, 'This passkey is already registered.');
    }
    this.deps.reporter.emit(req, {
      type: 'passkey.registered',
      userId,
      credentialId: credential.id,
      backupEligible: credential.backupEligible,
    });
    // Like a TOTP enrolment's confirmation: the new factor, user-verified, counts for this session.
    await this.deps.sessions.completeMfa(req, now, revision);
    return summaryOf(credential);
  }

  /** See PasskeyService.list. */
  async list(req: Request): Promise<PasskeySummary[]> {
    const auth = fullAuth(req);
    const credentials = await this.deps.passkeys.store.listByUser(auth.user.id);
    return credentials.sort((a, b) => a.createdAt - b.createdAt).map(summaryOf);
  }

  /** See PasskeyService.rename. */
  async rename(req: Request, credentialId: unknown, name: unknown): Promise<PasskeySummary> {
    const { store } = this.deps.passkeys;
    const auth = fullAuth(req);
    const id = credentialIdParam(credentialId);
    const label = passkeyName(name);
    return this.deps.access.withEnrollmentLock(auth.user.id, async () => {
      const credential = await store.findById(id);
      if (!credential || credential.userId !== auth.user.id) throw new PasskeyNotFoundException();
      await store.update(id, { name: label });
      return summaryOf({ ...credential, name: label });
    });
  }

  /** See PasskeyService.remove. */
  async remove(req: Request, credentialId: unknown): Promise<void> {
    const { store } = this.deps.passkeys;
    const { access, mfa } = this.deps;
    const auth = fullAuth(req);
    const userId = auth.user.id;
    const id = credentialIdParam(credentialId);
    const factorsLeft = await access.withEnrollmentLock(userId, async () => {
      const credential = await store.findById(id);
      if (!credential || credential.userId !== userId) throw new PasskeyNotFoundException();
      const totp = await mfa.secretStore.find(userId);
      requireRecentFactor(auth, totp, this.deps.clock(), mfa.stepUpMaxAge);
      await store.remove(id);
      return totp != null || (await store.listByUser(userId)).length > 0;
    });
    // The last factor gone: like turning TOTP off, the attempt budget starts over.
    if (!factorsLeft) await access.call(access.state.clearAttempts(userId));
    this.deps.reporter.emit(req, { type: 'passkey.removed', userId, credentialId: id, factorsLeft });
    await this.endOtherSessions(req);
  }

  /** A user with a second factor (TOTP or a passkey) needs a recent step-up; returns the user's passkeys. */
  private async requireStepUpIfFactors(auth: SessionAuthState): Promise<PasskeyCredential[]> {
    const userId = auth.user.id;
    const [existing, totp] = await Promise.all([this.deps.passkeys.store.listByUser(userId), this.deps.mfa.secretStore.find(userId)]);
    if (existing.length > 0 || totp != null) requireRecentFactor(auth, totp, this.deps.clock(), this.deps.mfa.stepUpMaxAge);
    return existing;
  }

  /** As after a TOTP change (`mfa.endOtherSessionsOnChange`); a store failure is logged, the change stands. */
  private async endOtherSessions(req: Request): Promise<void> {
    if (!this.deps.mfa.endOtherSessionsOnChange) return;
    try {
      await this.deps.sessions.revokeOtherSessions(req, 'mfa_changed');
    } catch (err) {
      this.deps.logger.error(`removing a passkey could not end the user's other sessions: ${describeError(err)}`);
    }
  }

  private refuse(req: Request, userId: string, credentialId: string, reason: 'challenge' | 'invalid_response'): never {
    this.deps.reporter.emit(req, { type: 'passkey.failed', userId, credentialId, purpose: 'registration', reason });
    throw new InvalidPasskeyException(400, reason === 'challenge' ? 'No passkey registration is waiting, or it expired; start again.' : 'The passkey could not be verified; start again.');
  }
}
