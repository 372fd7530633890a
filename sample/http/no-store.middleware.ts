import type { NextFunction, Request, Response } from 'express';

/** API answers carry session state: no cache, shared or private, may keep them. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
