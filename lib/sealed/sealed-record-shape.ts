/**
 * The module's own fields of a sealed record have the types the rest of the module reads
 * without checking (it wrote them). Only a leaked key could seal a record where they do not,
 * but such a record must still be refused, never reach the checks and throw there.
 */
export function hasSessionShape(data: Record<string, unknown>): boolean {
  const { auth, meta, data: appData } = data;
  if (appData !== undefined && !isObject(appData)) return false;
  if (auth !== undefined) {
    if (!isObject(auth) || !isObject(auth['user']) || typeof auth['user']['id'] !== 'string') return false;
    if (!isNumber(auth['authenticatedAt']) || typeof auth['mfa'] !== 'string') return false;
    if (!optional(auth['mfaVerifiedAt'], isNumber) || !optional(auth['mfaRevision'], isString)) return false;
  }
  if (meta !== undefined) {
    if (!isObject(meta) || !isNumber(meta['createdAt']) || !isNumber(meta['lastSeenAt']) || !isString(meta['handle'])) return false;
    if (!optional(meta['ip'], isString) || !optional(meta['userAgent'], isString) || !optional(meta['idIssuedAt'], isNumber)) return false;
    if (!optional(meta['reported'], isObject) || !optional(meta['geo'], isObject)) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}
