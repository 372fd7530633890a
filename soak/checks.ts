import type { FaultWindow } from './faults.js';
import type { RssSample } from './processes.js';
import type { Stats } from './stats.js';

export interface Check {
  name: string;
  observed: string;
  limit: string;
  passed: boolean;
}

const zero = (name: string, observed: number, of?: string): Check => ({
  name,
  observed: of === undefined ? String(observed) : `${observed} of ${of}`,
  limit: '0',
  passed: observed === 0,
});

/**
 * The soak's verdicts. Besides the zero-counts, two checks keep the others honest: the fault
 * schedule really ran and recovered, and the users really did what the zero-counts are about
 * (a soak whose users never logged out would report 0 sessions alive after logout).
 */
export function evaluate(input: {
  stats: Stats;
  windows: FaultWindow[];
  expectedFaults: number;
  /** Endpoint names of each phase, to see each instance answer after each fault. */
  endpointsByPhase: Map<string, string[]>;
  rss: RssSample[];
  maxRssGrowthMb: number;
}): Check[] {
  const { stats, windows, rss, maxRssGrowthMb } = input;
  let other5xx = 0;
  for (const row of stats.byStatus.values()) {
    for (const [status, count] of row) if (Number(status) >= 500 && status !== '503') other5xx += count;
  }
  const checks: Check[] = [
    zero('5xx responses other than 503', other5xx),
    zero("responses carrying another user's data", stats.foreignData),
    zero('ended sessions still accepted (replayed cookie not 401)', stats.endedAlive, `${stats.endedReplayed} replays`),
    zero('acknowledged writes lost outside fault windows', stats.lostWrites, `${stats.writesAckedOutsideFaults} acked outside`),
    zero(
      'sessions lost or refused (401) outside fault windows, not ended by the user',
      stats.sessionsLostOutsideFaults + stats.spurious401OutsideFaults,
    ),
    zero('MFA codes accepted twice (replayed on the other instance)', stats.mfaReplayAccepted, `${stats.mfaReplayProbed} replays`),
  ];
  for (const sample of rss) {
    const growth = sample.lastMb - sample.firstMb;
    checks.push({
      name: `RSS growth of ${sample.instance} (pid ${sample.pid})`,
      observed: `${growth} MB (${sample.firstMb} -> ${sample.lastMb})`,
      limit: `<= ${maxRssGrowthMb} MB`,
      passed: growth <= maxRssGrowthMb,
    });
  }
  const recovered = windows.filter((w) => w.recovered).length;
  checks.push({
    name: 'faults injected and recovered',
    observed: `${recovered} of ${windows.length}`,
    limit: `${input.expectedFaults} of ${input.expectedFaults}`,
    passed: windows.length === input.expectedFaults && recovered === windows.length,
  });
  const silent: string[] = [];
  for (const w of windows) {
    for (const name of input.endpointsByPhase.get(w.phase) ?? []) {
      if ((stats.last2xx.get(name) ?? 0) <= w.to) silent.push(`${name} after "${w.name}"`);
    }
  }
  checks.push({
    name: 'every instance answered 2xx after every fault window',
    observed: silent.length === 0 ? 'yes' : `no: ${silent.join('; ')}`,
    limit: 'yes',
    passed: silent.length === 0,
  });
  const coverage: Array<[string, number]> = [
    ['logins', stats.logins],
    ['MFA enrolments', stats.mfaEnrolled],
    ['MFA replays', stats.mfaReplayProbed],
    ['acked writes outside faults', stats.writesAckedOutsideFaults],
    ['data reads checked', stats.readsChecked],
    ['logouts', stats.logouts],
    ['revocations', stats.revocations],
    ['ended-session replays', stats.endedReplayed],
  ];
  const missing = coverage.filter(([, n]) => n === 0).map(([what]) => what);
  checks.push({
    name: 'every kind of operation was exercised',
    observed: missing.length === 0 ? 'yes' : `none of: ${missing.join(', ')}`,
    limit: 'each > 0',
    passed: missing.length === 0,
  });
  return checks;
}
