import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { packedPackage, repoRoot, type PackedPackage } from './packed-package.js';

const run = promisify(execFile);

/** The top-level files a tarball may hold besides dist/. */
const ALLOWED_TOP_LEVEL = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
};

/** The resolutions attw's `esm-only` profile leaves out (its profiles.js). */
const ESM_ONLY_IGNORES = ['node10', 'node16-cjs'];

let packed: PackedPackage;

beforeAll(async () => {
  packed = await packedPackage();
}, 180_000);

describe('what npm pack puts in the tarball', () => {
  it('holds only dist/, package.json, README.md, LICENSE and CHANGELOG.md', () => {
    const stray = packed.files.filter((path) => !path.startsWith('dist/') && !ALLOWED_TOP_LEVEL.has(path));
    expect(stray).toEqual([]);
    for (const required of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
      expect(packed.files, required).toContain(required);
    }
  });

  it('holds no spec, test fixture, sample or TypeScript source', () => {
    const unwanted = packed.files.filter(
      (path) =>
        /\.(spec|test)\.[cm]?[jt]s$/.test(path) ||
        /(^|\/)(__fixtures__|fixtures|sample|samples|test)\//.test(path) ||
        (/\.[cm]?ts$/.test(path) && !/\.d\.[cm]?ts$/.test(path)),
    );
    expect(unwanted).toEqual([]);
  });

  it('holds no source map that points at a file missing from the tarball', async () => {
    const broken: string[] = [];
    for (const path of packed.files.filter((file) => file.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(join(packed.stageDir, path), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
      const dir = path.slice(0, path.lastIndexOf('/') + 1);
      map.sources.forEach((source, index) => {
        const resolved = new URL(source, `file:///${dir}`).pathname.slice(1);
        if (map.sourcesContent?.[index] == null && !packed.files.includes(resolved)) broken.push(`${path} -> ${source}`);
      });
    }
    expect(broken).toEqual([]);
  });

  it('holds every file the exports map names', () => {
    const targets = Object.values(manifest.exports).flatMap((entry) => [entry.types, entry.default]);
    expect(targets.length).toBe(6);
    for (const target of targets) expect(packed.files, target).toContain(target.replace(/^\.\//, ''));
  });

  it('sanity: the check sees the built entry points (it can fail)', () => {
    expect(packed.files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/redis.js']));
  });
});

describe('publint', () => {
  it('finds no error and no warning in the packed tarball', async () => {
    const tarball = readFileSync(packed.tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer },
      level: 'warning',
    });
    const problems = messages.map((message) => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`);
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('are the types wrong (attw, ESM-only profile)', () => {
  it('resolves every entry point to its types under node16 ESM and bundlers, with no problem', async () => {
    const attw = join(repoRoot, 'node_modules', '.bin', 'attw');
    const result = await run(attw, [packed.tarball, '--profile', 'esm-only', '--format', 'json'], {
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      ({ stdout }) => ({ ok: true, stdout }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, stdout: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    const report = JSON.parse(result.stdout) as {
      analysis: { entrypoints: Record<string, unknown>; problems?: Array<{ resolutionKind?: string }> };
    };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './redis', './testing']);
    // The JSON lists every resolution; the ESM-only profile (the package is ESM only, no
    // require() and no node10 consumers) judges all but these two, as the exit code does.
    const judged = (report.analysis.problems ?? []).filter(
      (problem) => !ESM_ONLY_IGNORES.includes(problem.resolutionKind ?? ''),
    );
    expect(judged, result.stdout.slice(0, 4000)).toEqual([]);
    expect(result.ok, result.stdout.slice(0, 4000)).toBe(true);
  }, 120_000);
});
