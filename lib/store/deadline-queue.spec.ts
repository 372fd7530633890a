import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineQueue } from './deadline-queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the `performance.now()` time at which `expire` was called. */
function expiry(queue: DeadlineQueue): { deadline: ReturnType<DeadlineQueue['add']>; expired: Promise<number> } {
  let fire: (at: number) => void = () => undefined;
  const expired = new Promise<number>((resolve) => (fire = resolve));
  return { deadline: queue.add(() => fire(performance.now())), expired };
}

describe('DeadlineQueue', () => {
  afterEach(() => vi.restoreAllMocks());

  it('expires an operation that does not settle, never before its deadline', async () => {
    const queue = new DeadlineQueue(30);
    const started = performance.now();
    const { deadline, expired } = expiry(queue);
    const at = await expired;
    expect(at - started).toBeGreaterThanOrEqual(30);
    expect(deadline.settled).toBe(true);
  });

  it('never expires an operation that settled in time', async () => {
    const queue = new DeadlineQueue(20);
    const expire = vi.fn();
    queue.settle(queue.add(expire));
    await sleep(60);
    expect(expire).not.toHaveBeenCalled();
  });

  it('expires the hung operations among many, in order, and none of those that settled', () => {
    // A fake clock: on a busy machine a real one could pass the first deadlines before the settling.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const queue = new DeadlineQueue(200);
      const expired: number[] = [];
      const deadlines = [];
      for (let i = 0; i < 3_000; i++) {
        deadlines.push(queue.add(() => expired.push(i)));
        if (i % 1_000 === 999) vi.advanceTimersByTime(10); // three batches of deadlines
      }
      // Out of order: the last first.
      deadlines.reverse().forEach((deadline, i) => {
        if ((2_999 - i) % 1_000 !== 0) queue.settle(deadline);
      });
      // Now at 30 ms; the batches' deadlines are at 200, 210 and 220 ms.
      vi.advanceTimersByTime(169);
      expect(expired).toEqual([]);
      vi.advanceTimersByTime(6);
      expect(expired).toEqual([0]);
      vi.advanceTimersByTime(400);
      expect(expired).toEqual([0, 1_000, 2_000]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('serves a burst of operations with one timer', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const queue = new DeadlineQueue(1_000);
    const deadlines = Array.from({ length: 100 }, () => queue.add(() => undefined));
    for (const deadline of deadlines) queue.settle(deadline);
    expect(timers).toHaveBeenCalledTimes(1);
  });

  it('settling twice, or after expiry, changes nothing', async () => {
    const queue = new DeadlineQueue(10);
    const expire = vi.fn();
    const deadline = queue.add(expire);
    await sleep(40);
    queue.settle(deadline);
    queue.settle(deadline);
    expect(expire).toHaveBeenCalledTimes(1);
    const next = expiry(queue);
    expect(await next.expired).toBeGreaterThan(0);
  });
});

/**
 * The timer holds the process open while an operation is pending, like a timer per operation
 * did, and not once all have settled: a script exits at once after its last store call.
 */
describe('DeadlineQueue and the process lifetime', () => {
  const module = fileURLToPath(new URL('./deadline-queue.ts', import.meta.url));
  const run = async (body: string) => {
    const script = `const { DeadlineQueue } = await import(${JSON.stringify(module)});\n${body}`;
    const started = performance.now();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', '--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    return { stdout: stdout.trim(), ms: performance.now() - started };
  };

  it('keeps the process alive until a pending operation expires', async () => {
    const { stdout } = await run(`new DeadlineQueue(300).add(() => console.log('expired'));`);
    expect(stdout).toBe('expired');
  });

  it('lets the process exit once every operation has settled', async () => {
    const settled = await run(`const q = new DeadlineQueue(15_000); q.settle(q.add(() => console.log('expired')));`);
    expect(settled.stdout).toBe('');
    expect(settled.ms).toBeLessThan(10_000);
  });
});
