/**
 * One app instance of the soak: the sample app (SampleModule, its HTTP layers, its config from
 * the environment, docs/SAMPLE-HTTP.md) with the soak's user directory in place of the two demo
 * users and one extra controller for session data. Started by soak/processes.ts as a child
 * process; prints `listening on http://127.0.0.1:PORT` like the sample.
 *   SOAK_USERS_DIR, SOAK_USER_COUNT, SOAK_BREAK (negative runs only), plus the sample's variables.
 */
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MFA_STATE_STORE, MemoryMfaStateStore } from '../../lib/index.js';
import { pathToFileURL } from 'node:url';
import { readSampleConfig, type SampleConfig } from '../../sample/config/sample.config.js';
import { configureSampleApp, sampleAppOptions } from '../../sample/sample.app.js';
import { SampleModule } from '../../sample/sample.module.js';
import { UserRepository } from '../../sample/users/user.repository.js';
import { SOAK_BREAK, SoakDataController, type SoakBreak } from './soak-data.controller.js';
import { SoakUserDirectory } from './soak-users.js';

/** The soak's app instance, built but not listening: the sample plus the soak's users and data route. */
export async function createSoakApp(
  config: SampleConfig,
  soakEnv: { usersDir: string; userCount: number; defect?: SoakBreak },
): Promise<NestExpressApplication> {
  const defect = soakEnv.defect ?? '';
  const users = new SoakUserDirectory(soakEnv.usersDir, soakEnv.userCount);
  const sample = SampleModule.forConfig(config);
  // Inside the sample's own module, so the controller sees the SessionModule the sample imports.
  const soak = {
    ...sample,
    controllers: [...(sample.controllers ?? []), SoakDataController],
    providers: [...(sample.providers ?? []), { provide: SOAK_BREAK, useValue: defect }],
  };
  let builder = Test.createTestingModule({ imports: [soak] })
    .overrideProvider(UserRepository)
    .useValue(users);
  // Each instance then remembers consumed TOTP steps on its own: a code is accepted once per instance.
  if (defect === 'mfa-replay') builder = builder.overrideProvider(MFA_STATE_STORE).useValue(new MemoryMfaStateStore());
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(sampleAppOptions());
  return configureSampleApp(app, config);
}

async function main(): Promise<void> {
  const config = readSampleConfig(process.env);
  const app = await createSoakApp(config, {
    usersDir: process.env.SOAK_USERS_DIR ?? '',
    userCount: Number(process.env.SOAK_USER_COUNT ?? 0),
    defect: (process.env.SOAK_BREAK ?? '') as SoakBreak,
  });
  app.enableShutdownHooks();
  await app.listen(config.port, '127.0.0.1');
  console.log(`listening on http://127.0.0.1:${config.port}`);
}

// Started as a child process by soak/processes.ts; imported by tests, it only exports.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error('soak app: failed to start:', err);
    process.exit(1);
  });
}
