import type { Check } from './checks.js';
import type { FaultWindow } from './faults.js';
import type { RssSample } from './processes.js';
import type { Stats } from './stats.js';

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function report(input: {
  title: string;
  stats: Stats;
  windows: FaultWindow[];
  phaseStarts: Map<string, number>;
  rss: RssSample[];
  checks: Check[];
  appLog: Map<string, number>;
}): string {
  const { stats, windows, checks } = input;
  const phases = [...stats.byStatus.keys()];
  const statuses = [...new Set(phases.flatMap((p) => [...stats.byStatus.get(p)!.keys()]))].sort();
  const statusRows = statuses.map((status) => {
    const counts = phases.map((p) => stats.byStatus.get(p)!.get(status) ?? 0);
    return [status, ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))];
  });
  const totals = phases.map((p) => [...stats.byStatus.get(p)!.values()].reduce((a, b) => a + b, 0));
  statusRows.push(['all', ...totals.map(String), String(totals.reduce((a, b) => a + b, 0))]);

  const activity: Array<[string, number]> = [
    ['logins (password, + TOTP when enrolled)', stats.logins],
    ['MFA enrolments confirmed', stats.mfaEnrolled],
    ['TOTP codes accepted', stats.mfaVerified],
    ['accepted codes replayed on the other instance (refused / inconclusive)', stats.mfaReplayProbed],
    ['  replays inconclusive (no answer, 503)', stats.mfaReplayInconclusive],
    ['session writes acknowledged (2xx)', stats.writesAcked],
    ['  of them outside fault windows', stats.writesAckedOutsideFaults],
    ['session writes without a clear answer (503, no response)', stats.writesUncertain],
    ['data reads checked', stats.readsChecked],
    ['acked writes lost inside fault windows (allowed)', stats.lostWritesInFaults],
    ['logouts', stats.logouts],
    ['revocations from a second session', stats.revocations],
    ['ended-session cookie replays', stats.endedReplayed],
    ['spurious 401s (session worked again after the fault)', stats.spurious401],
    ['sessions ended by a logout/revocation that answered 503 (user asked)', stats.endedUnanswered],
    ['sessions lost (not ended by the user)', stats.sessionsLost],
  ];
  const faultRows = windows.map((w) => [
    w.phase,
    w.name,
    `${((w.from + 1_000 - (input.phaseStarts.get(w.phase) ?? 0)) / 1000).toFixed(1)} s`,
    `${(w.tookMs / 1000).toFixed(1)} s`,
    w.recovered ? 'yes' : 'NO',
  ]);
  const details = [
    ['5xx other than 503', stats.serverErrors],
    ["another user's data", stats.foreignDetails],
    ['alive after end', stats.aliveDetails],
    ['lost writes', stats.lostDetails],
  ] as const;
  const failed = checks.filter((c) => !c.passed).length;
  return [
    `== ${input.title}`,
    '',
    'Requests by status ("no response": refused, reset or timed out)',
    table(['status', ...phases, 'total'], statusRows),
    '',
    table(['activity', 'count'], activity.map(([a, n]) => [a, String(n)])),
    '',
    'Fault schedule',
    table(['phase', 'fault', 'at', 'to recovery', 'recovered'], faultRows),
    '',
    'Memory (RSS of each app process, first and last sample)',
    table(['instance', 'pid', 'start MB', 'end MB', 'growth MB'], input.rss.map((s) => [s.instance, String(s.pid), String(s.firstMb), String(s.lastMb), String(s.lastMb - s.firstMb)])),
    '',
    ...details.filter(([, list]) => list.length > 0).flatMap(([label, list]) => [`${label} (first ${list.length}):`, ...list.map((l) => `  ${l}`), '']),
    'App log (stderr of every instance, by message; most frequent first)',
    table(
      ['count', 'message'],
      [...input.appLog].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([line, n]) => [String(n), line.length > 150 ? `${line.slice(0, 147)}...` : line]),
    ),
    '',
    'Checks',
    table(['check', 'observed', 'limit', 'result'], checks.map((c) => [c.name, c.observed, c.limit, c.passed ? 'pass' : 'FAIL'])),
    '',
    `${checks.length - failed} passed, ${failed} failed`,
  ].join('\n');
}
