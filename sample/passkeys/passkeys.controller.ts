import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { MfaGuard, PasskeyService, RequireMfa, type PasskeySummary } from '../../lib/index.js';
import { JsonBody } from '../http/json-body.js';
import { RegisterPasskeyDto } from './dto/register-passkey.dto.js';
import { RenamePasskeyDto } from './dto/rename-passkey.dto.js';

/**
 * A fully authenticated user's passkeys. PasskeyService enforces the rules: adding one when the
 * user already has a second factor, and removing one, need a recent step-up (403
 * `step_up_required`; the step-up routes take a TOTP code or a passkey).
 */
@Controller('api/passkeys')
@UseGuards(MfaGuard)
export class PasskeysController {
  constructor(private readonly passkeys: PasskeyService) {}

  /** Creation options for `navigator.credentials.create()`; the challenge waits in the session. */
  @Post('register/options')
  @HttpCode(200)
  registrationOptions(@Req() req: Request): Promise<object> {
    return this.passkeys.registrationOptions(req);
  }

  /** `{ credential, name? }`: the browser's answer (PublicKeyCredential as JSON) and a name. */
  @Post('register')
  @HttpCode(200)
  async register(@Req() req: Request, @JsonBody() body: RegisterPasskeyDto): Promise<{ id: string; name: string }> {
    const { id, name } = await this.passkeys.register(req, body.credential, body.name);
    return { id, name };
  }

  @Get()
  list(@Req() req: Request): Promise<PasskeySummary[]> {
    return this.passkeys.list(req);
  }

  /** `{ name }`: a new name for one of the user's passkeys. */
  @Patch(':id')
  rename(@Req() req: Request, @Param('id') id: string, @JsonBody() { name }: RenamePasskeyDto): Promise<PasskeySummary> {
    return this.passkeys.rename(req, id, name);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireMfa()
  async remove(@Req() req: Request, @Param('id') id: string): Promise<void> {
    await this.passkeys.remove(req, id);
  }
}
