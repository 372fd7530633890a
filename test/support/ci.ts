/** Values of `CI` that mean "not CI": unset, empty, or an explicit no. */
const NOT_CI = new Set(['', '0', 'false', 'no', 'off']);

/**
 * True when the tests run under CI, where a missing Redis, redis-server, oathtool or Chromium
 * must fail the run instead of skipping. Any truthy `CI` counts (`true`, `1`, `yes`, a name),
 * as CI services set it in different ways.
 */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['CI'];
  return value !== undefined && !NOT_CI.has(value.trim().toLowerCase());
}
