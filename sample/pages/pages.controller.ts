import { readFileSync } from 'node:fs';
import { Controller, Get, Header, Inject, NotFoundException, Param, Redirect, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentSession, type CurrentSessionInfo } from '../../lib/index.js';
import type { SampleConfig } from '../config/sample.config.js';
import { SAMPLE_CONFIG } from '../config/sample-config.token.js';

const HTML = 'text/html; charset=utf-8';

const ASSET_TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'login.js': 'text/javascript; charset=utf-8',
  'mfa.js': 'text/javascript; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'enroll.js': 'text/javascript; charset=utf-8',
  'devices.js': 'text/javascript; charset=utf-8',
  'passkeys.js': 'text/javascript; charset=utf-8',
  'dashboard-passkeys.js': 'text/javascript; charset=utf-8',
  'security.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

function read(file: string): string {
  return readFileSync(new URL(file, import.meta.url), 'utf8');
}

/** The few characters that matter inside an HTML attribute value. */
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Plain HTML pages for people. They hold nothing secret and need no guard: their scripts call
 * the JSON API, which decides. Files are read once, at start-up, from a fixed list.
 */
@Controller()
export class PagesController {
  private readonly pages: Record<'login' | 'mfa' | 'dashboard' | 'enroll' | 'devices' | 'security', string>;
  private readonly assets = new Map(Object.keys(ASSET_TYPES).map((name) => [name, read(`./assets/${name}`)]));

  constructor(@Inject(SAMPLE_CONFIG) config: SampleConfig) {
    // The scripts compare their own origin with APP_ORIGIN (see assets/app.js).
    const page = (file: string) => read(`./${file}`).replace('{{APP_ORIGIN}}', escapeAttribute(config.appOrigin));
    this.pages = {
      // A plain link: the login starts with a top-level navigation to the provider.
      login: page('login.html').replace(
        '{{SSO}}',
        config.oidc ? '<p><a id="sso" class="button" href="/api/auth/oidc/login">Sign in with single sign-on</a></p>' : '',
      ),
      mfa: page('mfa.html'),
      dashboard: page('dashboard.html'),
      enroll: page('enroll.html'),
      devices: page('devices.html'),
      security: page('security.html'),
    };
  }

  @Get()
  @Redirect()
  home(@CurrentSession() session: CurrentSessionInfo | undefined): { url: string } {
    if (!session) return { url: '/login' };
    return { url: session.fullyAuthenticated ? '/dashboard' : '/mfa' };
  }

  @Get('login')
  @Header('Content-Type', HTML)
  login(): string {
    return this.pages.login;
  }

  @Get('mfa')
  @Header('Content-Type', HTML)
  mfa(): string {
    return this.pages.mfa;
  }

  @Get('dashboard')
  @Header('Content-Type', HTML)
  dashboard(): string {
    return this.pages.dashboard;
  }

  @Get('mfa/enroll')
  @Header('Content-Type', HTML)
  enroll(): string {
    return this.pages.enroll;
  }

  @Get('devices')
  @Header('Content-Type', HTML)
  devices(): string {
    return this.pages.devices;
  }

  @Get('security')
  @Header('Content-Type', HTML)
  security(): string {
    return this.pages.security;
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res({ passthrough: true }) res: Response): string {
    const body = this.assets.get(name);
    if (body === undefined) throw new NotFoundException({ error: 'not_found', message: 'No such asset.' });
    res.type(ASSET_TYPES[name]!);
    return body;
  }
}
