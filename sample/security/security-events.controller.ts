import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentSession, MfaGuard, SecurityActivity, type Place, type SecurityActivityEntry } from '../../lib/index.js';

/** One row of GET /api/security/events (docs/SAMPLE-HTTP.md). */
export interface SecurityEventJson {
  type: string;
  at: string;
  /** The /24 or /48 network the event came from. */
  ip: string | null;
  location: Place | null;
  browser: string | null;
  os: string | null;
  detail: SecurityActivityEntry['detail'] | null;
}

/** How many events the page and the API show: the contract's "last 50". */
const EVENTS_SHOWN = 50;

export function toSecurityEventJson(entry: SecurityActivityEntry): SecurityEventJson {
  return {
    type: entry.type,
    at: new Date(entry.at).toISOString(),
    ip: entry.ip,
    location: entry.location,
    browser: entry.browser,
    os: entry.os,
    detail: entry.detail ?? null,
  };
}

/** The signed-in user's security activity: logins, failures, MFA, revocations, anomalies. */
@Controller('api/security')
@UseGuards(MfaGuard)
export class SecurityEventsController {
  constructor(private readonly activity: SecurityActivity) {}

  @Get('events')
  async events(@CurrentSession('userId') userId: string): Promise<SecurityEventJson[]> {
    return (await this.activity.list(userId, EVENTS_SHOWN)).map(toSecurityEventJson);
  }
}
