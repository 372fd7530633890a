import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentSession, MfaGuard, SecurityActivity } from '../../../../lib/index.js';

/** The signed-in user's security activity log (needs `monitoring`). */
@Controller()
export class ActivityRoutes {
  constructor(private readonly activity: SecurityActivity) {}

  @Get('events')
  @UseGuards(MfaGuard)
  events(@CurrentSession('userId') userId: string) {
    return this.activity.list(userId);
  }
}
