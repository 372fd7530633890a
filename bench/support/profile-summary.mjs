import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Where a function lives, short: `express-session/index.js`, `lib/http/x.ts`, `node:internal/...`. */
function place(url, root) {
  if (!url) return '(native)';
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) return file.slice(nm + 'node_modules/'.length);
  if (file.startsWith(root)) return path.relative(root, file);
  return file;
}

function packageOf(where) {
  if (where.startsWith('node:') || where.startsWith('(')) return where.startsWith('(') ? where : 'node internals';
  if (where.startsWith('lib/')) return where;
  const parts = where.split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/**
 * Self time per function and per package from a V8 .cpuprofile, as µs per request: what the
 * per-request path spends where (GC and idle shown apart).
 */
export function summariseProfile(file, requests, root) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byPackage = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') {
      idle += us;
      continue;
    }
    total += us;
    const where = place(callFrame.url, root);
    const fnKey = `${name}  ${where}:${callFrame.lineNumber + 1}`;
    byFunction.set(fnKey, (byFunction.get(fnKey) ?? 0) + us);
    const pkg = name === '(garbage collector)' ? '(garbage collector)' : packageOf(where);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const perReq = (us) => (us / requests).toFixed(2).padStart(7);
  const share = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`\nbusy ${(total / 1e6).toFixed(2)} s over ${requests} requests = ${(total / requests).toFixed(1)} µs/req (idle/program ${(idle / 1e6).toFixed(2)} s)`);
  console.log('\nself time by package or lib file (µs/req, share):');
  for (const [pkg, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${perReq(us)}  ${share(us)}  ${pkg}`);
  console.log('\ntop functions by self time (µs/req, share):');
  for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${perReq(us)}  ${share(us)}  ${fn}`);
}
