/**
 * A memo of a pure function's recent results, bounded in memory without per-hit bookkeeping:
 * two generations of at most `generationSize` entries each. Results go into the current
 * generation; when it is full it becomes the previous one and the one before is dropped
 * whole, so anything not asked for during two generations is forgotten, and a hit in the
 * previous generation moves into the current one. At most 2 * generationSize entries.
 */
export class BoundedMemo<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();

  constructor(private readonly generationSize: number) {
    if (!Number.isInteger(generationSize) || generationSize < 1) {
      throw new RangeError(`BoundedMemo: generationSize must be a positive integer, not ${String(generationSize)}`);
    }
  }

  /** The remembered result for `key`, or undefined. */
  get(key: K): V | undefined {
    const hit = this.current.get(key);
    if (hit !== undefined) return hit;
    const older = this.previous.get(key);
    if (older !== undefined) this.set(key, older);
    return older;
  }

  set(key: K, value: V): void {
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
