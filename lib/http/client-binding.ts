import type { Request } from 'express';
import type { BindingPolicy } from '../options/session-module-options.interface.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import type { SessionMeta } from '../session.types.js';
import { ipIdentity } from './ip-prefix.js';
import { requestIp } from './request-session-state.js';

/** Longer User-Agent strings are cut, at login and when compared: they only describe a device. */
export const MAX_USER_AGENT_LENGTH = 256;

/** One client attribute that differs from what the session recorded at login. */
export interface BindingMismatch {
  attribute: 'userAgent' | 'ip';
  policy: Exclude<BindingPolicy, 'off'>;
  expected: string;
  actual: string;
}

/** The request's client attributes, in the form they are recorded in the session. */
export function clientOf(req: Request): { ip: string | undefined; userAgent: string | undefined } {
  return { ip: requestIp(req), userAgent: req.headers['user-agent']?.slice(0, MAX_USER_AGENT_LENGTH) };
}

/**
 * Compares the request's client with the one recorded in the session, attribute by attribute
 * under its policy. A missing value compares as the empty string: a session created without a
 * User-Agent does not accept one later, and the reverse.
 */
export function bindingMismatches(
  meta: SessionMeta,
  client: { ip: string | undefined; userAgent: string | undefined },
  { binding }: Pick<ResolvedSessionOptions, 'binding'>,
): readonly BindingMismatch[] {
  // Allocated only when something differs: on almost every request nothing does.
  let mismatches: BindingMismatch[] | undefined;
  if (binding.userAgent !== 'off') {
    const expected = meta.userAgent ?? '';
    const actual = client.userAgent ?? '';
    if (expected !== actual) (mismatches ??= []).push({ attribute: 'userAgent', policy: binding.userAgent, expected, actual });
  }
  if (binding.ip !== 'off') {
    const expected = meta.ip ?? '';
    const actual = client.ip ?? '';
    // The same text is the same network; only a changed address needs the prefix arithmetic.
    if (expected !== actual && ipIdentity(expected, binding.ipMatch) !== ipIdentity(actual, binding.ipMatch)) {
      (mismatches ??= []).push({ attribute: 'ip', policy: binding.ip, expected, actual });
    }
  }
  return mismatches ?? NO_MISMATCHES;
}

const NO_MISMATCHES: readonly BindingMismatch[] = Object.freeze([]);
