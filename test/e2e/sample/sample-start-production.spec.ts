import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECRET } from './sample-harness.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('sample start-up in production', () => {
  it(
    'NODE_ENV=production without MFA_ENCRYPTION_KEY: exits 1 with a message naming it, before listening',
    { timeout: 60_000 },
    async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', SESSION_SECRET: SECRET, PORT: '0' };
      delete env['MFA_ENCRYPTION_KEY'];
      // What `npm run sample` runs, without npm in between.
      const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'sample/main.ts'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        const [code] = (await once(child, 'exit')) as [number | null];
        expect(code).toBe(1);
        expect(output).toContain('sample: MFA_ENCRYPTION_KEY is required when NODE_ENV=production');
        expect(output).not.toContain('listening on');
        expect(output).not.toContain(SECRET);
        expect(output).not.toMatch(/\n\s+at /);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    },
  );
});
