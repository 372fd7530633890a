import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SESSION_DEFAULTS } from './session-defaults.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** `{ cookie: { name } }` -> [['cookie.name', value]]. */
function flatten(value: object, prefix = ''): Array<[string, unknown]> {
  return Object.entries(value).flatMap(([key, inner]): Array<[string, unknown]> =>
    typeof inner === 'object' && inner !== null ? flatten(inner, `${prefix}${key}.`) : [[`${prefix}${key}`, inner]],
  );
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000 };

/** The README's default cell as a value: "30 min" -> 1800000, "`lax`" -> 'lax', "10 s (0 to 30 s)" -> 10000. */
function readmeDefault(option: string): unknown {
  const row = README.split('\n').find((line) => line.startsWith(`| \`${option}\` |`));
  if (!row) return undefined;
  const cell = row.split('|')[2]!.trim().replace(/ \(.*\)$/, '').replaceAll('`', '');
  const duration = /^(\d+) (ms|s|min|h)$/.exec(cell);
  if (duration) return Number(duration[1]) * UNIT_MS[duration[2]!]!;
  if (/^\d+$/.test(cell)) return Number(cell);
  if (cell === 'true' || cell === 'false') return cell === 'true';
  return cell;
}

describe('SESSION_DEFAULTS and the README options table', () => {
  it.each(flatten(SESSION_DEFAULTS))('README states the default of %s', (option, value) => {
    expect(readmeDefault(option)).toEqual(value);
  });
});
