import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { SessionService } from '../../../../lib/index.js';

/** Anonymous app data: a cart before login (GET /me shows it too). */
@Controller('cart')
export class CartRoutes {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(204)
  add(@Req() req: Request, @Body() body: { item: string }) {
    this.sessions.set(req, 'cart', body.item);
  }

  /** Anyone: the session's cart, so a test can see whether a pre-login session still holds its data. */
  @Get()
  cart(@Req() req: Request) {
    return { cart: this.sessions.get(req, 'cart') ?? null };
  }
}
