import { Controller, Delete, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { MfaGuard, MfaService, RequireMfa, type EnrollmentStart, type RecoveryCodeSet } from '../../lib/index.js';
import { JsonBody } from '../http/json-body.js';
import { TotpCodeDto } from './dto/totp-code.dto.js';

/**
 * A fully authenticated user's TOTP settings. MfaService enforces the rules: re-enrolling,
 * regenerating recovery codes and disabling need a recent MFA verification (403
 * `step_up_required`; POST /api/auth/mfa/step-up gives one). `@RequireMfa()` says so on the
 * routes that always need it; enrol cannot carry it, since a first enrolment needs no step-up.
 */
@Controller('api/mfa')
@UseGuards(MfaGuard)
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  /** A new secret, shown as an otpauth URI and a QR code; nothing changes until confirmed. */
  @Post('enroll')
  @HttpCode(200)
  enroll(@Req() req: Request): Promise<EnrollmentStart> {
    return this.mfa.startEnrollment(req);
  }

  /** The first code turns MFA on; the 10 recovery codes are shown this once. */
  @Post('enroll/confirm')
  @HttpCode(200)
  async confirm(@Req() req: Request, @JsonBody() { code }: TotpCodeDto): Promise<RecoveryCodeSet> {
    const { recoveryCodes } = await this.mfa.confirmEnrollment(req, code);
    return { recoveryCodes };
  }

  /** A new set of recovery codes; the old set stops working. */
  @Post('recovery-codes')
  @HttpCode(200)
  @RequireMfa()
  async regenerateRecoveryCodes(@Req() req: Request): Promise<RecoveryCodeSet> {
    const { recoveryCodes } = await this.mfa.regenerateRecoveryCodes(req);
    return { recoveryCodes };
  }

  /** MFA off: from the next login on, the password is enough. */
  @Delete()
  @HttpCode(204)
  @RequireMfa()
  async disable(@Req() req: Request): Promise<void> {
    await this.mfa.disable(req);
  }
}
