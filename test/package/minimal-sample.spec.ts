import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './packed-package.js';

/**
 * samples/01-minimal stays minimal and standalone: under 100 lines, importing the package by
 * its name as an app does (never ../../lib). test/package/consumer.spec.ts builds it with tsc
 * against the packed package and drives one login, read and logout.
 */
const dir = join(repoRoot, 'samples', '01-minimal');
const sources = readdirSync(dir).filter((name) => name.endsWith('.ts'));

describe('samples/01-minimal', () => {
  it('is under 100 lines of TypeScript', () => {
    expect(sources).toContain('main.ts');
    const lines = sources.reduce((sum, name) => sum + readFileSync(join(dir, name), 'utf8').trimEnd().split('\n').length, 0);
    expect(lines).toBeLessThan(100);
  });

  it('uses forRoot, a login route, MfaGuard and @CurrentSession, imported from nest-secure-session', () => {
    const text = sources.map((name) => readFileSync(join(dir, name), 'utf8')).join('\n');
    for (const piece of ['SessionModule.forRoot(', 'LoginInterceptor', '@UseGuards(MfaGuard)', '@CurrentSession()']) {
      expect(text, piece).toContain(piece);
    }
    const specifiers = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1]!);
    expect(specifiers).toContain('nest-secure-session');
    expect(specifiers.filter((specifier) => specifier.startsWith('.'))).toEqual([]);
  });
});
