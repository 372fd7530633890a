import {
  Module,
  type DynamicModule,
  type INestApplication,
  type ModuleMetadata,
  type Provider,
  type Type,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { SessionModule } from '../../../lib/index.js';
import { TrackingStore } from '../../support/store-harness.js';
import { TEST_SECRET } from './secrets.js';

/** What `SessionModule.forRoot` takes: the options and `isGlobal`. */
export type SessionForRootOptions = Parameters<typeof SessionModule.forRoot>[0];

/** A route set: a controller, or controllers with the providers they need (e.g. DisabledAccounts). */
export type RouteSet = Type | { controllers: Type[]; providers?: Provider[] };

export interface TestAppOptions {
  /**
   * The SessionModule import: a `SessionModule.forRoot(...)` / `forRootAsync(...)` module, or
   * options for `SessionModule.forRoot({ secret: TEST_SECRET, isGlobal: true, ...options })`.
   */
  session: DynamicModule | Partial<SessionForRootOptions>;
  /** The route sets to compose (test/apps/test-app/routes/). */
  routes?: RouteSet[];
  /**
   * Controllers of the root module, next to the SessionModule import (a non-global SessionModule
   * is visible only there). `routes` live in their own module that does not import SessionModule,
   * so they need it global, as most apps have it.
   */
  controllers?: Type[];
  /** Providers of the root module (e.g. `{ provide: APP_GUARD, useExisting: MfaGuard }`). */
  providers?: Provider[];
  /** Further imports of the root module. */
  imports?: ModuleMetadata['imports'];
  /** Providers replaced after compilation (e.g. `{ provide: MFA_CLOCK, useValue: () => clock.now }`). */
  overrides?: { provide: unknown; useValue: unknown }[];
  /** Express's `trust proxy`. Default 'loopback': the tests say X-Forwarded-Proto: https as a TLS proxy would. */
  trustProxy?: string | boolean;
  /** Listen on an ephemeral port, so supertest reuses one server instead of one per request. */
  listen?: boolean;
}

/** The route sets' module when routes live in a feature module; named so a failed bootstrap says where. */
@Module({})
export class TestRoutesModule {}

/** `SessionModule.forRoot` with the fixture's secret, global; a TrackingStore brings its own index. */
export function testSessionModule(options: Partial<SessionForRootOptions> = {}): DynamicModule {
  // A tracking store is a custom store: the module needs the index of the store behind it.
  const sessionIndex = options.store instanceof TrackingStore ? { sessionIndex: options.store.index } : {};
  return SessionModule.forRoot({ secret: TEST_SECRET, ...sessionIndex, ...options, isGlobal: options.isGlobal ?? true });
}

function isDynamicModule(session: TestAppOptions['session']): session is DynamicModule {
  return typeof (session as DynamicModule).module === 'function';
}

/**
 * The one Nest bootstrap of the tests: `Test.createTestingModule` -> `createNestApplication()`
 * -> `trust proxy` -> `init()` (or `listen(0)`), around a SessionModule import and route sets.
 */
export async function createTestApp(options: TestAppOptions): Promise<INestApplication> {
  const session = isDynamicModule(options.session) ? options.session : testSessionModule(options.session);
  const controllers: Type[] = [];
  const routeProviders: Provider[] = [];
  for (const set of options.routes ?? []) {
    if (typeof set === 'function') controllers.push(set);
    else {
      controllers.push(...set.controllers);
      routeProviders.push(...(set.providers ?? []));
    }
  }
  const unique = <T>(items: T[]) => [...new Set(items)];
  const routesModule: DynamicModule = { module: TestRoutesModule, controllers: unique(controllers), providers: unique(routeProviders) };
  let builder = Test.createTestingModule({
    imports: [session, ...(options.imports ?? []), ...(controllers.length ? [routesModule] : [])],
    controllers: options.controllers ?? [],
    providers: options.providers ?? [],
  });
  for (const { provide, useValue } of options.overrides ?? []) builder = builder.overrideProvider(provide as never).useValue(useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  if (options.listen) await app.listen(0, '127.0.0.1');
  else await app.init();
  return app;
}
