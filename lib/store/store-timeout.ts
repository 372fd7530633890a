/** A store operation that did not finish within `storeTimeout`: the store counts as down. */
export class SessionStoreTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(`session store ${operation} did not finish within ${ms} ms`);
    this.name = 'SessionStoreTimeoutError';
  }
}

/**
 * Settles like `operation`, or rejects with {@link SessionStoreTimeoutError} after `ms`. A hung
 * store (a stopped Redis keeps its TCP connection open, so its client never fails on its own)
 * thereby costs a request at most `ms`; a late result is ignored.
 */
export function withTimeout<T>(operation: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SessionStoreTimeoutError(name, ms)), ms);
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
