/**
 * Sets `target[key] = value` as an own, enumerable data property, whatever the key. A plain
 * assignment of `__proto__` would replace the object's prototype instead (the key from session
 * data or a stored record would vanish, and anything it held would become inherited fields).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
