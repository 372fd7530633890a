/**
 * One bench server, started by bench/run.mjs as its own child process:
 *   BENCH_VARIANT=plain|module|module-csc|none BENCH_REDIS_URL=redis://... node --import @swc-node/register/esm-register bench/server.ts
 * Talks to the parent over IPC only (never over HTTP, so nothing it says is measured):
 * `ready` with its port, `cpu` answers with process.cpuUsage(), `stop` closes and exits.
 */
import type { INestApplication } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { createModuleSessionApp } from './apps/module-session.app.js';
import { createNoSessionApp } from './apps/no-session.app.js';
import { createPlainSessionApp } from './apps/plain-session.app.js';

type ParentMessage =
  | { type: 'cpu'; id: number }
  | { type: 'profile-start'; id: number }
  | { type: 'profile-stop'; id: number; file: string }
  | { type: 'stop' };

/** V8's sampling profiler over exactly the measured window (not start-up, unlike --cpu-prof). */
const inspector = new Session();

async function profile(message: ParentMessage): Promise<void> {
  if (message.type === 'profile-start') {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 100) });
    await inspector.post('Profiler.start');
  } else if (message.type === 'profile-stop') {
    const { profile: taken } = await inspector.post('Profiler.stop');
    writeFileSync(message.file, JSON.stringify(taken));
    inspector.disconnect();
  }
}

async function createApp(variant: string, redisUrl: string): Promise<INestApplication> {
  switch (variant) {
    case 'plain':
      return createPlainSessionApp(redisUrl);
    case 'module':
      return createModuleSessionApp({ url: redisUrl });
    case 'module-csc':
      return createModuleSessionApp({ url: redisUrl, clientSideCache: { maxEntries: 10_000 } });
    case 'none':
      return createNoSessionApp();
    default:
      throw new Error(`unknown BENCH_VARIANT ${variant}`);
  }
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/server.ts is started by bench/run.mjs (it needs an IPC channel)');
  const variant = process.env.BENCH_VARIANT ?? '';
  const app = await createApp(variant, process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'cpu') {
      process.send!({ type: 'cpu', id: message.id, usage: process.cpuUsage() });
    } else if (message.type === 'profile-start' || message.type === 'profile-stop') {
      profile(message).then(
        () => process.send!({ type: message.type, id: message.id }),
        (err: unknown) => process.send!({ type: message.type, id: message.id, error: String(err) }),
      );
    } else if (message.type === 'stop') {
      app.close().finally(() => process.exit(0));
    }
  });
  // The bench went away (crashed or interrupted): never outlive it.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', port, pid: process.pid });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
