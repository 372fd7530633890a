import { Logger } from '@nestjs/common';
import { SessionOptionsError } from '../lib/index.js';
import { readSampleConfig, SampleConfigError } from './config/sample.config.js';
import { createSampleApp } from './sample.app.js';

const HOST = '127.0.0.1';

async function main(): Promise<void> {
  const config = readSampleConfig(process.env);
  if (config.secretGenerated) {
    new Logger('Sample').warn(
      'SESSION_SECRET is not set: using a random secret for this run, so sessions do not survive a restart.',
    );
  }
  if (config.store.kind === 'cookie' && config.store.keyGenerated) {
    new Logger('Sample').warn(
      'SESSION_COOKIE_KEY is not set: using a random sealing key for this run, so sessions do not survive a restart.',
    );
  }
  const app = await createSampleApp(config);
  // SIGINT/SIGTERM close the app, and with it the store's connections.
  app.enableShutdownHooks();
  await app.listen(config.port, HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  console.log(`listening on http://${HOST}:${port}`);
}

main().catch((err: unknown) => {
  if (err instanceof SampleConfigError || err instanceof SessionOptionsError) {
    console.error(`sample: ${err.message}`);
  } else {
    console.error('sample: failed to start:', err);
  }
  process.exit(1);
});
