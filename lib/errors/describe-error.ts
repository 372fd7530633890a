/**
 * An error as it may be logged: its name and message only, never its other properties. The
 * stores' errors can name storage keys (hashed IDs), never a session ID, cookie or code.
 */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
