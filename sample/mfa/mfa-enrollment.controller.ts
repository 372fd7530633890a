import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { MfaGuard, MfaService, type EnrollmentStart } from '../../lib/index.js';
import { codeField, JsonBody, type JsonObject } from '../http/json-body.js';

/** TOTP enrolment for a fully authenticated user: start (secret + QR code), then confirm with a first code. */
@Controller('api/mfa/enroll')
@UseGuards(MfaGuard)
export class MfaEnrollmentController {
  constructor(private readonly mfa: MfaService) {}

  @Post()
  @HttpCode(200)
  start(@Req() req: Request): Promise<EnrollmentStart> {
    return this.mfa.startEnrollment(req);
  }

  @Post('confirm')
  @HttpCode(200)
  async confirm(@Req() req: Request, @JsonBody() body: JsonObject): Promise<{ recoveryCodes: string[] }> {
    await this.mfa.confirmEnrollment(req, codeField(body));
    // Empty until the MFA-hardening issue adds recovery codes, made at this step.
    return { recoveryCodes: [] };
  }
}
