import { setMaxListeners } from 'node:events';
import type { RedisStoreClient } from './redis-connection.js';

/** Commands issued within one tenth of the timeout share an abort signal. */
const SLICES_PER_TIMEOUT = 10;

/**
 * What the store's own commands run on, instead of node-redis's per-command `timeout`.
 *
 * node-redis drops a command still waiting in its write queue once its timeout has passed, so
 * that a command the store gave up on does not run late. (A command waits there while the
 * client holds its queue, as during a cluster slot migration; one already written to the
 * socket, to a hung Redis say, runs whenever Redis gets to it.) But that timeout costs an
 * `AbortSignal.timeout()` per command: a timer, weak references and the garbage they make, a
 * fifth of a plain read's CPU. Here the commands of one slice of time (a tenth of the timeout)
 * share one AbortController, aborted one more slice after the last of them times out: a
 * queued command is dropped between one and two tenths of the timeout after its own deadline,
 * never before it, so the caller's bound (SessionStoreTimeoutError) always answers first.
 *
 * The session store and its companions (device index, MFA state, activity log, single sign-on
 * links) issue their commands here; the client itself keeps its per-command `timeout` for
 * anything else that uses it (an app, through SESSION_REDIS).
 */
export class SharedCommandTimeout<C extends RedisStoreClient> {
  private readonly sliceMs: number;
  private current: C | undefined;
  private sliceEnd = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: C,
    private readonly timeoutMs: number,
  ) {
    this.sliceMs = Math.max(1, timeoutMs / SLICES_PER_TIMEOUT);
  }

  /** The client to issue a command on now: one whose commands are dropped after the timeout. */
  clientNow(): C {
    const now = performance.now();
    if (this.current && now < this.sliceEnd) return this.current;
    this.sliceEnd = now + this.sliceMs;
    const controller = new AbortController();
    // Every command of the slice listens to it while queued; that is no leak.
    setMaxListeners(0, controller.signal);
    abortAt(controller, this.sliceEnd + this.timeoutMs + this.sliceMs);
    this.current = (this.client as { withCommandOptions(options: object): unknown }).withCommandOptions({
      timeout: undefined,
      abortSignal: controller.signal,
    }) as C;
    return this.current;
  }
}

/** Aborts at `performance.now()` time `at`, not before (a timer may fire a little early). */
function abortAt(controller: AbortController, at: number): void {
  const left = at - performance.now();
  if (left > 0) setTimeout(abortAt, Math.ceil(left), controller, at).unref();
  else controller.abort();
}
