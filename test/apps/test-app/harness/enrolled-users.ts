import type { INestApplication } from '@nestjs/common';
import { MfaService } from '../../../../lib/index.js';
import { Totp } from '../../../../lib/mfa/totp.js';

/**
 * Users enrolled in TOTP through MfaService.importEnrollment (encrypted at rest, as a real
 * enrolment would be), with their plain secrets kept so a test can make codes.
 */
export class EnrolledUsers {
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly app: () => INestApplication,
    /** The clock codes are made at (the MFA clock the app uses). */
    private readonly now: () => number = Date.now,
  ) {}

  /** Enrols `user`; returns the plain secret and the recovery codes. */
  async enroll(user: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const secret = Totp.generateSecret();
    const { recoveryCodes } = await this.app().get(MfaService).importEnrollment(user, secret);
    this.secrets.set(user, secret);
    return { secret, recoveryCodes };
  }

  /** The plain secret of an enrolled user, or undefined. */
  secretOf(user: string): string | undefined {
    return this.secrets.get(user);
  }

  /** The TOTP code of `secret`, `stepOffset` 30-second steps away from the clock. */
  code(secret: string, stepOffset = 0): Promise<string> {
    return new Totp({ pastSteps: 2 }, () => this.now() + stepOffset * 30_000).generate(secret);
  }
}
