import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';

/**
 * A real Nest application around `metadata` as the root module, initialised (not listening):
 * `Test.createTestingModule` -> `createNestApplication()` -> `init()`.
 */
export async function createApp(metadata: ModuleMetadata): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  // The tests speak plain HTTP and say X-Forwarded-Proto: https, as a TLS proxy would.
  app.set('trust proxy', 'loopback');
  await app.init();
  return app;
}
