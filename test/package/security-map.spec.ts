import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './packed-package.js';

const SECURITY = readFileSync(join(repoRoot, 'SECURITY.md'), 'utf8');
const README = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The options README's table documents: `| \`idleTimeout\` | ...` -> idleTimeout. */
const documentedOptions = new Set(
  [...README.matchAll(/^\| `([A-Za-z.]+)` \|/gm)].map((match) => match[1]!),
);

interface MapRow {
  requirement: string;
  holds: string;
  option: string;
  provedBy: string;
}

/** The rows of every ASVS table: four cells, under the `## OWASP ASVS map` heading. */
const rows: MapRow[] = SECURITY.slice(SECURITY.indexOf('## OWASP ASVS map'))
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| requirement') && !line.startsWith('| ---'))
  .map((line) => {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    return { requirement: cells[0] ?? '', holds: cells[1] ?? '', option: cells[2] ?? '', provedBy: cells[3] ?? '' };
  });

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);

describe('SECURITY.md: the ASVS map', () => {
  it('has the V7, V6 and 4.0.3 tables (the parser sees them)', () => {
    expect(rows.length).toBeGreaterThan(40);
    for (const id of ['7.2.4', '7.3.1', '7.4.1', '6.5.1', '3.7.1']) {
      expect(rows.some((row) => row.requirement.startsWith(id)), id).toBe(true);
    }
  });

  it('every test file it names exists (a real spec under test/ or lib/)', () => {
    const named = [...new Set(rows.flatMap((row) => backticked(row.provedBy)))];
    expect(named.length).toBeGreaterThan(20);
    const missing = named.filter(
      (path) => !/^(test|lib)\/.+\.spec\.ts$/.test(path) || !existsSync(join(repoRoot, path)),
    );
    expect(missing).toEqual([]);
  });

  it('every row names a test file, or says the requirement is unmapped or the app\'s', () => {
    const unproved = rows.filter(
      (row) => backticked(row.provedBy).length === 0 && !/unmapped|the app's/.test(row.holds),
    );
    expect(unproved.map((row) => row.requirement)).toEqual([]);
  });

  it('every option it names is a row of README\'s options table', () => {
    expect(documentedOptions.has('idleTimeout')).toBe(true);
    const unknown = rows.flatMap((row) => backticked(row.option)).filter((option) => !documentedOptions.has(option));
    expect(unknown).toEqual([]);
  });

  it('the option cell is an option, "always", or empty (unmapped rows)', () => {
    const odd = rows.filter((row) => row.option !== '' && row.option !== 'always' && backticked(row.option).length === 0);
    expect(odd.map((row) => `${row.requirement}: ${row.option}`)).toEqual([]);
  });
});
