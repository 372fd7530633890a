import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A fault window opens a little before the fault (Cluster replication is asynchronous: a write
 * acknowledged just before a master dies may not have reached its replica) and closes a little
 * after recovery was observed (clients reconnect, retries drain).
 */
const OPEN_BEFORE_MS = 1_000;
const CLOSE_AFTER_MS = 3_000;

export interface FaultWindow {
  name: string;
  phase: string;
  /** Epoch ms, margins included. */
  from: number;
  to: number;
  /** Whether the fault was injected and the system came back (Redis answered, app listened, failover done). */
  recovered: boolean;
  /** Wall time from injection to recovery, for the report only. */
  tookMs: number;
}

/** When faults were active, so losses and errors can be told apart from their windows. */
export class FaultLog {
  readonly windows: FaultWindow[] = [];
  private active = 0;

  /** Runs `fault` (inject, wait, recover; resolves once recovered) as one window. */
  async run(phase: string, name: string, fault: () => Promise<void>): Promise<void> {
    const started = Date.now();
    const window: FaultWindow = { name, phase, from: started - OPEN_BEFORE_MS, to: Number.POSITIVE_INFINITY, recovered: false, tookMs: 0 };
    this.windows.push(window);
    this.active++;
    try {
      await fault();
      window.recovered = true;
    } catch (err) {
      console.error(`soak: fault "${name}" did not recover: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      window.tookMs = Date.now() - started;
      await sleep(CLOSE_AFTER_MS);
      window.to = Date.now();
      this.active--;
    }
  }

  /** Whether [from, to] touches any fault window (an open one counts as reaching forever). */
  overlaps(from: number, to: number): boolean {
    return this.windows.some((w) => from <= w.to && to >= w.from);
  }

  get quiet(): boolean {
    return this.active === 0;
  }

  /** Waits until no fault is active, or `deadline`. */
  async waitQuiet(deadline: number): Promise<void> {
    while (!this.quiet && Date.now() < deadline) await sleep(200);
  }
}

/** Runs `steps` at their offsets (ms from now), one after another, unless `deadline` comes first. */
export async function schedule(steps: Array<{ at: number; run: () => Promise<void> }>, deadline: number): Promise<void> {
  const start = Date.now();
  for (const step of steps) {
    const wait = start + step.at - Date.now();
    if (wait > 0) await sleep(wait);
    if (Date.now() >= deadline) return;
    await step.run();
  }
}
