import type { Stats } from './stats.js';

/** One app instance as the virtual users see it; `port` stays the same across a restart. */
export interface Endpoint {
  name: string;
  port: number;
}

export interface Reply {
  /** HTTP status, or 0 when there was no response (refused, reset, timed out). */
  status: number;
  body: unknown;
  /** The session cookie `name=value` the response set, null when it expired it, undefined when untouched. */
  cookie: string | null | undefined;
  /** Epoch ms when the request was sent and when its answer arrived. */
  sent: number;
  answered: number;
}

/** Every request is a browser's: Origin = APP_ORIGIN (the sample's CSRF rule). */
export const APP_ORIGIN = 'http://soak.test';
/** Far above the module's 1 s store timeout: the app answers (503) before the client gives up. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Turns `/api/sessions/<handle>` into `/api/sessions/:id` for the error list. */
function route(path: string): string {
  return path.replace(/^\/api\/sessions\/(?!revoke-others).+$/, '/api/sessions/:id');
}

/** Sends one request and counts its status under `phase`. Never throws. */
export async function send(
  stats: Stats,
  phase: string,
  endpoint: Endpoint,
  method: string,
  path: string,
  options: { cookie?: string; body?: unknown } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { origin: APP_ORIGIN, 'user-agent': 'nest-secure-session-soak' };
  if (options.cookie) headers['cookie'] = options.cookie;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const sent = Date.now();
  try {
    const res = await fetch(`http://127.0.0.1:${endpoint.port}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    const answered = Date.now();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    stats.count(phase, String(res.status));
    if (res.status >= 200 && res.status < 300) stats.last2xx.set(endpoint.name, answered);
    if (res.status >= 500 && res.status !== 503) {
      const code = (body as { error?: unknown } | undefined)?.error;
      stats.note(stats.serverErrors, `${phase} ${endpoint.name} ${method} ${route(path)} -> ${res.status} ${typeof code === 'string' ? code : ''}`);
    }
    return { status: res.status, body, cookie: sessionCookie(res.headers.getSetCookie()), sent, answered };
  } catch {
    stats.count(phase, 'no response');
    return { status: 0, body: undefined, cookie: undefined, sent, answered: Date.now() };
  }
}

function sessionCookie(lines: string[]): string | null | undefined {
  let result: string | null | undefined;
  for (const line of lines) {
    const [pair = '', ...attributes] = line.split(';');
    const expired = attributes.some((a) => /^\s*(expires=thu, 01 jan 1970|max-age=0\b)/i.test(a));
    result = expired ? null : pair.trim();
  }
  return result;
}
