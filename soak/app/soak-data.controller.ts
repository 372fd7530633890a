import { Controller, Get, HttpCode, Inject, Put, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentSession, MfaGuard, SessionService } from '../../lib/index.js';
import { JsonBody } from '../../sample/http/json-body.js';
import { SoakDataDto } from './dto/soak-data.dto.js';

/** The session data key the soak writes under. */
const DATA_KEY = 'soak';
/** A deliberate defect the soak's own negative runs switch on (SOAK_BREAK), to prove a check can fail. */
export const SOAK_BREAK = Symbol('SOAK_BREAK');
export type SoakBreak = 'lose-write' | 'leak-data' | 'error-500' | 'mfa-replay' | 'skip-logout' | 'drop-session' | '';

export interface SoakData {
  userId: string;
  data: Record<string, string>;
}

/**
 * Session data the way an app writes it: `SessionService.set()` in a handler, saved by the
 * module when the response ends. A 200 is the acknowledgement the soak holds the app to.
 */
@Controller('api/soak/data')
@UseGuards(MfaGuard)
export class SoakDataController {
  private lastWritten: Record<string, string> = {};
  private writes = 0;

  constructor(
    private readonly sessions: SessionService,
    @Inject(SOAK_BREAK) private readonly defect: SoakBreak,
  ) {}

  @Get()
  read(@Req() req: Request, @CurrentSession('userId') userId: string): SoakData {
    const data = this.sessions.get<Record<string, string>>(req, DATA_KEY) ?? {};
    if (this.defect === 'leak-data' && this.writes % 7 === 0) return { userId, data: this.lastWritten };
    return { userId, data };
  }

  @Put()
  @HttpCode(200)
  async write(@Req() req: Request, @JsonBody() { key, value }: SoakDataDto): Promise<{ ok: true }> {
    this.writes++;
    if (this.defect === 'error-500' && this.writes % 20 === 0) throw new Error('soak: deliberate 500');
    if (this.defect === 'lose-write' && this.writes % 10 === 0) return { ok: true };
    if (this.defect === 'drop-session' && this.writes % 20 === 0) {
      await this.sessions.destroy(req);
      return { ok: true };
    }
    const data = { ...(this.sessions.get<Record<string, string>>(req, DATA_KEY) ?? {}), [key]: value };
    this.sessions.set(req, DATA_KEY, data);
    this.lastWritten = data;
    return { ok: true };
  }
}
