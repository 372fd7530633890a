import 'reflect-metadata';
import type { LoggerService, LogLevel, NestApplicationOptions, SecurityHeadersOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SampleConfigError, type SampleConfig } from './config/sample.config.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { answerClientErrorsWithJson } from './http/client-error.js';
import { noStore } from './http/no-store.middleware.js';
import { SampleModule } from './sample.module.js';

export interface SampleAppOptions {
  /** Nest's logger setting; tests pass `false`. @default ['error', 'warn'] */
  logger?: LoggerService | LogLevel[] | false;
}

/** JSON bodies here are a username and a password at most. */
const BODY_LIMIT = '16kb';

/**
 * Builds and initialises the sample app without listening: `main.ts` listens, tests drive it
 * in-process with supertest. Bad configuration throws SampleConfigError or SessionOptionsError.
 */
export async function createSampleApp(
  config: SampleConfig,
  options: SampleAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    SampleModule.forConfig(config),
    sampleAppOptions(options),
  );
  return configureSampleApp(app, config);
}

/** How the sample's Nest application is created (also for a testing module's `createNestApplication`). */
export function sampleAppOptions(options: SampleAppOptions = {}): NestApplicationOptions {
  return {
    // Only JSON is parsed (registered below): no urlencoded forms.
    bodyParser: false,
    logger: options.logger ?? ['error', 'warn'],
    // Throw bootstrap errors to the caller instead of exiting the process.
    abortOnError: false,
  };
}

/**
 * Adds the sample's HTTP layers to a created app of {@link SampleModule} and initialises it.
 * Tests that replace a provider (the MFA clock) build the app from a testing module and call this.
 */
export async function configureSampleApp(
  app: NestExpressApplication,
  config: SampleConfig,
): Promise<NestExpressApplication> {
  try {
    if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  } catch (err) {
    await app.close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new SampleConfigError(`TRUST_PROXY is not a value Express accepts: ${reason}`);
  }
  // Order matters: these run in this order, before SessionModule's CSRF check (APP_ORIGIN, see
  // session-options.ts) and the session, which `init()` mounts.
  app.useSecurityHeaders(securityHeaders(config.production));
  app.use('/api', noStore);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useGlobalFilters(new ApiExceptionFilter());
  answerClientErrorsWithJson(app.getHttpServer());
  await app.init();
  return app;
}

/** helmet-like defaults; in development, nothing that sends http://localhost to https://. */
function securityHeaders(production: boolean): SecurityHeadersOptions {
  if (production) return {};
  return {
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } },
    strictTransportSecurity: false,
  };
}
