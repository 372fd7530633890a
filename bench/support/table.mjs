import { median } from './stats.mjs';

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** Median over rounds of one measurement of one variant. */
function med(rounds, key, pick) {
  return median(rounds.map((round) => (round[key] ? pick(round[key]) : NaN)));
}

/** Median over rounds of a per-round ratio (both sides measured in the same round). */
function ratio(rounds, top, bottom, pick) {
  return median(rounds.map((round) => (round[top] && round[bottom] ? pick(round[top]) / pick(round[bottom]) : NaN)));
}

function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Prints the medians table (Markdown, so it pastes into docs/performance.md as it is). */
export function printTable(result, variants) {
  const { rounds, machine, options } = result;
  const rows = variants.map((v) => {
    const r = (pick) => med(rounds, v.key, pick);
    const commands = r((x) => x.read.commandsPerRequest);
    return [
      `${v.key}: ${v.label}`,
      fmt(r((x) => x.read.rps)),
      fmt(r((x) => x.read.p50), 2),
      fmt(r((x) => x.read.p99), 2),
      fmt(r((x) => x.paced?.p50), 2),
      fmt(r((x) => x.paced?.p99), 2),
      fmt(r((x) => x.read.cpuPerRequestUs)),
      fmt(commands, 2),
      fmt(result.sessions[v.key]?.bytes),
      fmt(r((x) => x.logins?.rps)),
      fmt(r((x) => x.totp?.rps)),
      fmt(r((x) => x.bearer?.rps)),
    ];
  });
  console.log(
    `\nMedians of ${rounds.length} rounds; each round reads every variant for ${options.seconds} s (${options.connections} connections), logins for ${options.loginSeconds} s; TOTP: ${options.totpAmount} verifications, ${Math.min(options.totpRounds, rounds.length)} rounds.\n`,
  );
  console.log(
    markdownTable(
      ['variant', 'req/s', 'p50 ms', 'p99 ms', `p50 ms @${fmt(result.pacedRate)}/s`, `p99 ms @${fmt(result.pacedRate)}/s`, 'server CPU µs/req', 'Redis cmds/req', 'session bytes', 'logins/s', 'TOTP verify/s', 'tokens verified/s'],
      rows,
    ),
  );

  const has = (key) => variants.some((v) => v.key === key);
  const ratios = [];
  const rps = (x) => x.read.rps;
  const cpu = (x) => x.read.cpuPerRequestUs;
  const pairs = [['b', 'a'], ['b', 'c'], ['b+csc', 'a'], ['b+csc', 'c'], ['b+csc', 'b']].filter(([t, u]) => has(t) && has(u));
  for (const [top, bottom] of pairs) ratios.push(`${top}/${bottom} ${fmt(ratio(rounds, top, bottom, rps), 2)}`);
  const cpuRatios = pairs.map(([top, bottom]) => `${top}/${bottom} ${fmt(ratio(rounds, top, bottom, cpu), 2)}`);
  console.log(`\nRatios, median of the per-round ratios. Reads/s: ${ratios.join('; ')}.`);
  if (cpuRatios.length) console.log(`Server CPU per read: ${cpuRatios.join('; ')}.`);
  if (has('a') && has('b')) console.log(`Logins/s: b/a ${fmt(ratio(rounds, 'b', 'a', (x) => x.logins.rps), 2)}.`);
  if (result.pacedRate && has('a') && has('b')) {
    console.log(
      `Latency at ${fmt(result.pacedRate)} req/s for every variant (${Math.round(result.pacedShare * 100)} % of the slowest one's reads/s): p99 b/a ${fmt(ratio(rounds, 'b', 'a', (x) => x.paced?.p99), 2)}, p50 b/a ${fmt(ratio(rounds, 'b', 'a', (x) => x.paced?.p50), 2)}.`,
    );
  }

  const perOperation = (measurement) =>
    Object.entries(measurement.commands)
      .map(([name, n]) => `${name} ${n.toFixed(2)}`)
      .join(', ') || 'none';
  const breakdown = variants
    .filter((v) => v.key !== 'c')
    .map((v) => {
      const first = rounds[0][v.key];
      const parts = [`per read ${perOperation(first.read)}`];
      if (first.logins) parts.push(`per login ${perOperation(first.logins)}`);
      if (first.totp) parts.push(`per TOTP verify (login excluded) ${perOperation(first.totp)}`);
      if (first.bearer) {
        const bearer = (pick) => med(rounds, v.key, (x) => pick(x.bearer));
        parts.push(
          `per bearer request ${perOperation(first.bearer)} (${fmt(bearer((x) => x.cpuPerRequestUs))} µs server CPU, p50 ${fmt(bearer((x) => x.p50), 2)} ms, p99 ${fmt(bearer((x) => x.p99), 2)} ms)`,
        );
      }
      const session = result.sessions[v.key];
      if (session) parts.push(`session key ${session.keyBytes} B + value ${session.valueBytes} B`);
      if (session?.indexKeys) parts.push(`device index of its user ${session.indexBytes} B in ${session.indexKeys} keys`);
      return `  ${v.key}: ${parts.join('; ')}`;
    });
  console.log(`Redis commands (first round):\n${breakdown.join('\n')}`);
  if (result.storeRead) {
    const { redis, cached } = result.storeRead;
    console.log(
      `Store read path alone (RedisSessionStore.get in one process, no HTTP; µs CPU per read, median of ${redis.length}): Redis GET ${fmt(median(redis), 1)}, client-side cache ${fmt(median(cached), 1)}.`,
    );
  }
  console.log(
    `\nMachine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}; Node ${machine.node}; redis-server ${machine.redis}.`,
  );
  console.log(
    `Load average before/after: ${machine.loadAverageBefore.map((n) => n.toFixed(2)).join(' ')} / ${machine.loadAverageAfter.map((n) => n.toFixed(2)).join(' ')}; run took ${result.seconds.toFixed(0)} s.`,
  );
}
