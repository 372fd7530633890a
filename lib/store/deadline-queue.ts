/** One operation waiting in a {@link DeadlineQueue}. */
export interface Deadline {
  /** `performance.now()` time at which the operation expires. */
  readonly at: number;
  /** The operation finished (or expired): its `expire` will not be called (again). */
  settled: boolean;
  readonly expire: () => void;
}

/** Entries trimmed off the front of the array before it is compacted. */
const COMPACT_AFTER = 1_024;

/**
 * Deadlines of operations that all have the same timeout, so they expire in the order they
 * were added. One timer serves the whole queue, armed for the earliest pending deadline: an
 * operation costs an array slot instead of a timer and a Promise.race of its own, which showed
 * in profiles of store reads. Times come from `performance.now()`, which tests that fake `Date`
 * leave alone. The timer keeps the process alive only while an operation is pending, as a
 * timer per operation would.
 */
export class DeadlineQueue {
  private entries: Deadline[] = [];
  /** Index of the first entry not known to be settled. */
  private head = 0;
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly ms: number) {}

  /** Calls `expire` once `ms` have passed, unless {@link settle} comes first. */
  add(expire: () => void): Deadline {
    const deadline: Deadline = { at: performance.now() + this.ms, settled: false, expire };
    this.entries.push(deadline);
    if (this.pending++ === 0 && this.timer) this.timer.ref();
    if (!this.timer) this.arm(this.ms);
    return deadline;
  }

  /** The operation finished in time. */
  settle(deadline: Deadline): void {
    if (deadline.settled) return;
    deadline.settled = true;
    if (--this.pending === 0) this.timer?.unref();
    this.trim();
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.sweep(), Math.max(1, Math.ceil(ms)));
    if (this.pending === 0) this.timer.unref();
  }

  /** Expires every operation past its deadline, then waits for the next one. */
  private sweep(): void {
    this.timer = undefined;
    const now = performance.now();
    this.trim();
    while (this.head < this.entries.length) {
      const first = this.entries[this.head]!;
      // A timer may fire a little early (Node counts from the loop's cached time): wait on.
      if (first.at > now) break;
      first.settled = true;
      this.pending--;
      this.head++;
      first.expire();
      this.trim();
    }
    if (this.head < this.entries.length) this.arm(this.entries[this.head]!.at - now);
  }

  /** Drops settled entries off the front; operations mostly finish in the order they began. */
  private trim(): void {
    const entries = this.entries;
    while (this.head < entries.length && entries[this.head]!.settled) this.head++;
    if (this.head === entries.length) {
      entries.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }
}
