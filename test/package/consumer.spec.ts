import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCi } from '../support/ci.js';
import { REDIS_URL } from '../support/redis-url.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../support/stores.js';
import { CONSUMER_SOURCES, CONSUMER_TSCONFIG } from './consumer-app-files.js';
import { packedPackage, repoRoot } from './packed-package.js';

/**
 * A fresh Nest 12 app installs the packed tarball the way a user does (npm, its own
 * package.json, the peers at the LOWEST versions our peerDependencies allow), compiles against
 * the published .d.ts with strict NodeNext settings, starts, and logs in, reads and logs out
 * over HTTP on the embedded store and on Redis. Optional peers (supertest, openid-client) are
 * not installed: the app must not need them.
 */

const run = promisify(execFile);
const MINIMAL_SAMPLE = 'samples/01-minimal/main.ts';
const INSTALL_TIMEOUT_MS = 240_000;

const ourManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

/** `^12.0.0` -> `12.0.0`: the lowest version a caret, tilde or >= range allows. */
export function lowestOf(range: string): string {
  const match = /^(?:\^|~|>=)?\s*(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!match) throw new Error(`cannot tell the lowest version of peer range "${range}"`);
  return match[1]!;
}

/**
 * Releases that our peer ranges allow but npm cannot install (none today: the floor is
 * ^12.0.1 because @nestjs/core and @nestjs/platform-express 12.0.0 were published declaring
 * peers `@nestjs/common@^11`, which npm refuses with ERESOLVE).
 */
const UNINSTALLABLE_FLOORS: Record<string, string> = {};

/** The version the consumer installs for a peer: the lowest its range allows, past an uninstallable release. */
function lowestInstallable(name: string, range: string): string {
  const lowest = lowestOf(range);
  return UNINSTALLABLE_FLOORS[`${name}@${lowest}`] ?? lowest;
}

/** npm failures that mean "no registry here", not "this package is wrong". */
const NETWORK_ERROR = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b/;

const requiredPeers = Object.entries(ourManifest.peerDependencies).filter(
  ([name]) => ourManifest.peerDependenciesMeta?.[name]?.optional !== true,
);

let appDir: string;
let installError: string | undefined;
const timings: Record<string, number> = {};

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
}

beforeAll(async () => {
  const packed = await timed('pack (or reuse the packed tarball)', () => packedPackage());
  appDir = mkdtempSync(join(tmpdir(), 'nss-consumer-'));
  const manifest = {
    name: 'nss-consumer-app',
    private: true,
    type: 'module',
    dependencies: {
      'nest-secure-session': `file:${packed.tarball}`,
      ...Object.fromEntries(requiredPeers.map(([name, range]) => [name, lowestInstallable(name, range)])),
    },
    devDependencies: {
      // The compiler and Node types this repository is built with.
      typescript: ourManifest.devDependencies['typescript'],
      '@types/node': ourManifest.devDependencies['@types/node'],
    },
  };
  writeFileSync(join(appDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(appDir, 'tsconfig.json'), `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`);
  // The minimal sample compiles and runs here too, against the published package, as a user's copy would.
  mkdirSync(join(appDir, 'minimal'), { recursive: true });
  writeFileSync(join(appDir, 'minimal', 'main.ts'), readFileSync(join(repoRoot, MINIMAL_SAMPLE), 'utf8'));
  for (const [path, text] of Object.entries(CONSUMER_SOURCES)) {
    mkdirSync(dirname(join(appDir, path)), { recursive: true });
    writeFileSync(join(appDir, path), text);
  }
  try {
    await timed('npm install', () =>
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
        cwd: appDir,
        timeout: INSTALL_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, npm_config_update_notifier: 'false' },
      }),
    );
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    installError = `npm install failed in ${appDir}: ${stderr || message}`;
    // A resolution error is the package's fault and always fails. No registry: under CI that
    // fails too; elsewhere (an offline laptop) the suite skips, loudly.
    if (isCi() || !NETWORK_ERROR.test(installError)) throw new Error(installError);
    console.warn(`\n${'!'.repeat(78)}\n  The consumer test is SKIPPED: ${installError.slice(0, 600)}\n${'!'.repeat(78)}\n`);
  }
}, INSTALL_TIMEOUT_MS + 180_000);

afterAll(() => {
  console.log(`consumer test timings (ms): ${JSON.stringify(timings)}`);
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

/** The installed package, as the app sees it. */
const installedDir = () => join(appDir, 'node_modules', 'nest-secure-session');

describe('a fresh Nest 12 app built from the packed tarball', () => {
  it('installs the lowest supported peers, and npm reports no missing or invalid dependency', async (context) => {
    if (installError) context.skip();
    for (const [name, range] of requiredPeers) {
      const installed = JSON.parse(readFileSync(join(appDir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(installed.version, name).toBe(lowestInstallable(name, range));
    }
    // `npm ls` exits non-zero on a missing peer or a version outside its range.
    const { stdout } = await run('npm', ['ls', '--all', '--json'], { cwd: appDir, maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    const tree = JSON.parse(stdout) as { problems?: string[] };
    // Optional peers (supertest for the testing entry) are allowed to be absent.
    const problems = (tree.problems ?? []).filter((problem) => !/^missing: (supertest|@types\/supertest|openid-client)@/.test(problem));
    expect(problems).toEqual([]);
  });

  it('ships only dist/ code that imports nothing outside the package but declared packages and node: builtins', (context) => {
    if (installError) context.skip();
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    })(join(installedDir(), 'dist')).filter((file) => file.endsWith('.js') || file.endsWith('.d.ts'));
    expect(files.length).toBeGreaterThan(50);
    const escaping: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), match[1]!);
        if (relative(join(installedDir(), 'dist'), target).startsWith('..')) escaping.push(`${relative(installedDir(), file)}: ${match[1]}`);
      }
    }
    expect(escaping).toEqual([]);
  });

  it(`compiles, with the minimal sample (${MINIMAL_SAMPLE}), with strict NodeNext settings against the published .d.ts (skipLibCheck off)`, async (context) => {
    if (installError) context.skip();
    expect(await timed('tsc', () => compile('tsconfig.json'))).toBe('');
  }, 120_000);

  it('starts the minimal sample, and it logs in, reads and logs out', async (context) => {
    if (installError) context.skip();
    // Development mode, as `npm run sample:minimal` runs it: plain HTTP, cookie `sid`.
    const { child, port } = await startApp({ PORT: '0', NODE_ENV: 'development' }, 'dist/minimal/main.js');
    try {
      const base = `http://127.0.0.1:${port}`;
      const login = await fetch(`${base}/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      expect(cookie).toMatch(/^sid=./);
      const me = await fetch(`${base}/me`, { headers: { Cookie: cookie } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ user: { id: 'u-1', username: 'alice' } });
      expect((await fetch(`${base}/logout`, { method: 'POST', headers: { Cookie: cookie } })).status).toBe(204);
      expect((await fetch(`${base}/me`, { headers: { Cookie: cookie } })).status).toBe(401);
    } finally {
      await stopApp(child);
    }
  }, 120_000);

  /** Runs the app's own tsc on a project; resolves to its output ('' when it compiled). */
  function compile(project: string): Promise<string> {
    return run(join(appDir, 'node_modules', '.bin', 'tsc'), ['-p', project], { cwd: appDir, maxBuffer: 16 * 1024 * 1024 }).then(
        () => '',
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
  }

  const stores: Array<{ name: string; env: () => Record<string, string> }> = [
    { name: 'memory', env: () => ({}) },
    ...(redisAvailable ? [{ name: 'redis', env: () => ({ REDIS_URL, REDIS_PREFIX: prefix }) }] : []),
  ];
  const prefix = uniquePrefix('consumer');
  afterAll(async () => {
    if (!redisAvailable) return;
    const client = await connectTestRedis();
    await deleteKeys(client, prefix);
    await client.close();
  });

  it.for(stores)('starts, and logs in, reads and logs out over HTTP on the $name store', { timeout: 60_000 }, async ({ name, env }, context) => {
    if (installError) context.skip();
    const started = performance.now();
    const { child, port } = await startApp({ ...env() });
    try {
      const base = `http://127.0.0.1:${port}`;
      // As a browser behind the TLS proxy: HTTPS as far as the app is concerned, one User-Agent.
      const headers = { 'X-Forwarded-Proto': 'https', 'User-Agent': 'consumer-test/1' };

      expect((await fetch(`${base}/me`, { headers })).status).toBe(401);
      const refused = await fetch(`${base}/login`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'wrong' }),
      });
      expect(refused.status).toBe(401);

      const login = await fetch(`${base}/login`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      });
      expect(login.status).toBe(200);
      const setCookie = login.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^__Host-sid=[^;]+;/);
      expect(setCookie).toMatch(/; Secure/i);
      expect(setCookie).toMatch(/; HttpOnly/i);
      const cookie = setCookie.split(';')[0]!;

      const me = await fetch(`${base}/me`, { headers: { ...headers, Cookie: cookie } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ userId: 'u-alice' });

      const logout = await fetch(`${base}/logout`, { method: 'POST', headers: { ...headers, Cookie: cookie } });
      expect(logout.status).toBe(204);
      expect((await fetch(`${base}/me`, { headers: { ...headers, Cookie: cookie } })).status).toBe(401);
    } finally {
      await stopApp(child);
      timings[`start + login/read/logout (${name})`] = Math.round(performance.now() - started);
    }
  });
});

/** Starts the compiled consumer app on a free port; resolves once it prints its port. */
function startApp(env: Record<string, string>, entry = 'dist/src/main.js'): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [entry], {
    cwd: appDir,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', SESSION_SECRET: 'consumer-test-secret-0123456789abcdef', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`the consumer app did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (?:on http:\/\/[\d.]+:)?(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort({ child, port: Number(match[1]) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the consumer app exited with ${code}:\n${output}`));
    });
  });
}

function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
