import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { SessionStoreUnavailableException, UnauthenticatedException } from '../errors/session.exceptions.js';
import { isStoreUnavailable } from '../http/store-availability.js';
import { PUBLIC_ROUTE } from '../session.constants.js';
import type { SessionAuthState } from '../session.types.js';
import { RouteMetadata } from './route-metadata.js';

/**
 * Lets through any session that passed the password step, MFA done or not: for the MFA step
 * itself. Anonymous requests get 401 `unauthenticated`; `@Public()` routes are skipped.
 * Subclass and override the protected hooks to adapt it.
 */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  /** The route's metadata, read once per route. */
  protected readonly routeMetadata: RouteMetadata;

  constructor(protected readonly reflector: Reflector) {
    this.routeMetadata = new RouteMetadata(reflector);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.isPublic(context)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const auth = this.requireAuth(req);
    return this.allow(auth, context);
  }

  /** Called with the session's auth state once a password step is known to be done. */
  protected allow(_auth: SessionAuthState, _context: ExecutionContext): boolean {
    return true;
  }

  protected isPublic(context: ExecutionContext): boolean {
    return this.flag(PUBLIC_ROUTE, context);
  }

  protected flag(key: string, context: ExecutionContext): boolean {
    return this.routeMetadata.get<boolean>(key, context) === true;
  }

  protected requireAuth(req: Request): SessionAuthState {
    // Fail closed: a store outage is never mistaken for "anonymous" nor for "allowed".
    if (isStoreUnavailable(req)) throw new SessionStoreUnavailableException();
    const auth = req.session?.auth;
    if (!auth) throw new UnauthenticatedException();
    return auth;
  }
}
