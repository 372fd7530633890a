import { DeadlineQueue } from './deadline-queue.js';

/** A store operation that did not finish within `storeTimeout`: the store counts as down. */
export class SessionStoreTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(`session store ${operation} did not finish within ${ms} ms`);
    this.name = 'SessionStoreTimeoutError';
  }
}

/** One queue per timeout in use (in practice the module's `storeTimeout` alone). */
const queues = new Map<number, DeadlineQueue>();

function queueFor(ms: number): DeadlineQueue {
  let queue = queues.get(ms);
  if (!queue) queues.set(ms, (queue = new DeadlineQueue(ms)));
  return queue;
}

/**
 * Settles like `operation`, or rejects with {@link SessionStoreTimeoutError} after `ms`. A hung
 * store (a stopped Redis keeps its TCP connection open, so its client never fails on its own)
 * thereby costs a request at most `ms`; a late result is ignored.
 */
export function withTimeout<T>(operation: Promise<T>, ms: number, name: string): Promise<T> {
  const queue = queueFor(ms);
  return new Promise<T>((resolve, reject) => {
    const deadline = queue.add(() => reject(new SessionStoreTimeoutError(name, ms)));
    operation.then(
      (value) => {
        queue.settle(deadline);
        resolve(value);
      },
      (err: unknown) => {
        queue.settle(deadline);
        reject(err);
      },
    );
  });
}
