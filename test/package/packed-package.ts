import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What `npm pack --json` reports about one tarball. */
export interface PackedPackage {
  /** The staged copy of the repository the tarball was packed from (its own dist/). */
  stageDir: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Every path in the tarball, as `npm pack --json` lists it (relative to `package/`). */
  files: string[];
}

/** Not copied into the stage: installed, generated or local-only. */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'coverage', 'results']);

function stagedSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name) || entry.name.endsWith('.tgz')) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? stagedSources(path) : entry.isFile() ? [path] : [];
  });
}

/** A hash of every file the pack can see: the same sources reuse one tarball across spec files. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of stagedSources(repoRoot).sort()) {
    hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function packInto(stageDir: string): Promise<PackedPackage> {
  mkdirSync(stageDir, { recursive: true });
  for (const file of stagedSources(repoRoot)) {
    const target = join(stageDir, relative(repoRoot, file));
    cpSync(file, target);
  }
  // The build needs the installed types; a link, so nothing is installed twice.
  symlinkSync(join(repoRoot, 'node_modules'), join(stageDir, 'node_modules'), 'dir');
  // A real `npm pack`, lifecycle scripts included: prepack builds dist/ in the stage, never in the checkout.
  const { stdout } = await run('npm', ['pack', '--json', '--foreground-scripts=false', '--loglevel=error'], {
    cwd: stageDir,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  // Anything a lifecycle script printed comes before the JSON array.
  const report = JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const [packed] = report;
  if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
  return { stageDir, tarball: join(stageDir, packed.filename), files: packed.files.map((file) => file.path).sort() };
}

let memo: Promise<PackedPackage> | undefined;

const LOCK_STALE_MS = 5 * 60_000;
const DAY_MS = 24 * 3_600_000;

/** Spec files run in parallel processes: one packs, the others wait for its tarball. */
async function waitForOtherPacker(lockDir: string, doneFile: string): Promise<boolean> {
  while (existsSync(lockDir)) {
    if (existsSync(doneFile)) return true;
    if (Date.now() - statSync(lockDir).mtimeMs > LOCK_STALE_MS) return false;
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
  }
  return existsSync(doneFile);
}

/** Tarballs of sources a day old or more: no run will ask for them again. */
function pruneOldPacks(cacheRoot: string, keep: string): void {
  for (const name of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, name);
    if (path !== keep && Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The package as `npm pack` makes it, built once per state of the sources: a copy of the
 * repository (without node_modules, .git, dist) in a temp directory, packed there with its
 * prepack build. Spec files in other processes find the finished tarball by the sources' hash.
 */
export function packedPackage(): Promise<PackedPackage> {
  memo ??= (async () => {
    const cacheRoot = join(tmpdir(), 'nest-secure-session-pack');
    const finalDir = join(cacheRoot, sourcesHash());
    const doneFile = join(finalDir, 'packed.json');
    const lockDir = `${finalDir}.lock`;
    mkdirSync(cacheRoot, { recursive: true });
    if (existsSync(doneFile)) return JSON.parse(readFileSync(doneFile, 'utf8')) as PackedPackage;
    try {
      mkdirSync(lockDir);
    } catch {
      if (await waitForOtherPacker(lockDir, doneFile)) return JSON.parse(readFileSync(doneFile, 'utf8')) as PackedPackage;
      // The other packer died or gave up: pack here (the rename below settles any tie).
    }
    try {
      return await packFresh(cacheRoot, finalDir);
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  })();
  return memo;
}

async function packFresh(cacheRoot: string, finalDir: string): Promise<PackedPackage> {
  const workDir = `${finalDir}.${process.pid}.${Date.now()}`;
  const packed = await packInto(join(workDir, 'stage'));
  const result: PackedPackage = {
    stageDir: join(finalDir, 'stage'),
    tarball: join(finalDir, 'stage', relative(join(workDir, 'stage'), packed.tarball)),
    files: packed.files,
  };
  writeFileSync(join(workDir, 'packed.json'), JSON.stringify(result));
  try {
    renameSync(workDir, finalDir);
  } catch {
    // Another process finished the same sources first: use its tarball, drop ours.
    rmSync(workDir, { recursive: true, force: true });
  }
  pruneOldPacks(cacheRoot, finalDir);
  return result;
}
