/** Methods that must not change state: a cross-site GET is not this check's business. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

/** What a request says about where it comes from, read from its headers. */
export interface RequestProvenance {
  method: string;
  origin: string | undefined;
  referer: string | undefined;
  /** `Sec-Fetch-Site` (Fetch Metadata): set by the browser, a page cannot forge it. */
  fetchSite: string | undefined;
  /** `Authorization: Bearer ...`: credentials the browser never attaches on its own. */
  bearer: boolean;
  /** The session cookie is in the Cookie header (valid or not). */
  sessionCookie: boolean;
}

export interface CsrfPolicy {
  /** The origins allowed to change state; undefined: only the request's own ({@link ownOrigin}). */
  allowedOrigins: ReadonlySet<string> | undefined;
  /**
   * The request's own origin (scheme and Host), used when no origins are configured; asked only
   * when there is an origin to compare (working it out reads `trust proxy`, parsing addresses).
   */
  ownOrigin: () => string | undefined;
  /** Refuse a cookie-carrying state change that carries no provenance header at all. */
  requireOrigin: boolean;
}

/**
 * Why a request must be refused as a cross-site request forgery, or undefined when it may pass.
 * Repeated headers arrive joined with ", ", which is never an allowed origin: refused.
 */
export function csrfRefusal(request: RequestProvenance, policy: CsrfPolicy): string | undefined {
  if (isSafeMethod(request.method)) return undefined;
  // A bearer token is sent by code that chose to, not by the browser on an attacker's behalf.
  if (request.bearer && !request.sessionCookie) return undefined;

  const { fetchSite } = request;
  if (fetchSite === 'cross-site') return 'Cross-site request refused (Sec-Fetch-Site: cross-site).';
  if (fetchSite !== undefined && !['same-site', 'same-origin', 'none'].includes(fetchSite)) {
    return 'Request refused: Sec-Fetch-Site has a value browsers never send.';
  }

  const source = sourceOrigin(request);
  if (source === UNREADABLE) return 'Request refused: the Referer header is not a URL.';
  if (source === 'null') return 'Request from an opaque origin refused (Origin: null).';
  const allowed = source !== undefined && isAllowed(source, policy);
  if (fetchSite === 'same-site' && !allowed) {
    return 'Request from another origin of this site refused (Sec-Fetch-Site: same-site).';
  }
  if (source !== undefined) {
    if (allowed) return undefined;
    return request.origin !== undefined
      ? 'Request from another origin refused (Origin does not match).'
      : 'Request from another origin refused (Referer does not match).';
  }
  // No Origin and no Referer: a browser that says same-origin is believed; a request with no
  // header at all is not from a browser, unless the app asked to treat it as suspect.
  if (fetchSite === undefined && policy.requireOrigin && request.sessionCookie) {
    return 'Request refused: a state change with the session cookie must say where it comes from (Origin).';
  }
  return undefined;
}

/** A Referer that is no URL (or has no origin): refused, never taken for "no header". */
const UNREADABLE = Symbol('unreadable referer');

/** The origin the request claims: Origin, else Referer's origin. */
function sourceOrigin(request: RequestProvenance): string | typeof UNREADABLE | undefined {
  if (request.origin !== undefined) return request.origin;
  if (request.referer === undefined) return undefined;
  try {
    const origin = new URL(request.referer).origin;
    return origin === 'null' ? UNREADABLE : origin;
  } catch {
    return UNREADABLE;
  }
}

function isAllowed(origin: string, policy: CsrfPolicy): boolean {
  return policy.allowedOrigins ? policy.allowedOrigins.has(origin) : origin === policy.ownOrigin();
}
