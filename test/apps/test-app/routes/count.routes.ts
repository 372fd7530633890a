import { Controller, Delete, Get, HttpCode, Patch, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { SessionService } from '../../../../lib/index.js';

/** A counter each unsafe method bumps (the CSRF check's subject), and a "bearer API" route. */
@Controller()
export class CountRoutes {
  constructor(private readonly sessions: SessionService) {}

  @Get('count')
  count(@Req() req: Request) {
    return { count: this.sessions.get<number>(req, 'count') ?? 0 };
  }

  @Post('count')
  @HttpCode(200)
  post(@Req() req: Request) {
    return this.bump(req);
  }

  @Put('count')
  put(@Req() req: Request) {
    return this.bump(req);
  }

  @Patch('count')
  patch(@Req() req: Request) {
    return this.bump(req);
  }

  @Delete('count')
  delete(@Req() req: Request) {
    return this.bump(req);
  }

  private bump(req: Request) {
    const count = (this.sessions.get<number>(req, 'count') ?? 0) + 1;
    this.sessions.set(req, 'count', count);
    return { count };
  }

  /** Stands for a token-authenticated API: it never reads the session. */
  @Post('api/token-action')
  @HttpCode(200)
  tokenAction() {
    return { done: true };
  }
}
