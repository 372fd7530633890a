import type { SoakBreak } from './app/soak-data.controller.js';

export interface SoakOptions {
  /** Virtual users, one account each. */
  users: number;
  /** Load time over both phases (single Redis, then Cluster), start-up not counted. */
  seconds: number;
  /** Largest RSS growth of an app process from its first to its last sample. */
  maxRssGrowthMb: number;
  /** A deliberate defect, for negative runs that prove the checks can fail. */
  defect: SoakBreak;
}

const DEFECTS: SoakBreak[] = ['lose-write', 'leak-data', 'error-500', 'mfa-replay', 'skip-logout', 'drop-session', ''];

/** `--users N --seconds N --ci` (CI: 30 users, 60 s), or SOAK_USERS / SOAK_SECONDS; flags win. */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv): SoakOptions {
  const flag = (name: string): string | undefined => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const ci = argv.includes('--ci') || env['SOAK_CI'] === '1';
  const users = whole('users', flag('users') ?? env['SOAK_USERS'] ?? (ci ? '30' : '200'), 2, 2000);
  const seconds = whole('seconds', flag('seconds') ?? env['SOAK_SECONDS'] ?? (ci ? '60' : '300'), 30, 3600);
  const maxRssGrowthMb = whole('max RSS growth', env['SOAK_MAX_RSS_GROWTH_MB'] ?? '150', 0, 100_000);
  const defect = (env['SOAK_BREAK'] ?? '') as SoakBreak;
  if (!DEFECTS.includes(defect)) throw new Error(`SOAK_BREAK must be one of ${DEFECTS.join(', ')}`);
  return { users, seconds, maxRssGrowthMb, defect };
}

function whole(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`soak: ${name} must be a whole number from ${min} to ${max}, not ${text}`);
  return value;
}
