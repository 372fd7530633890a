import type { Response } from 'supertest';

/** One `Set-Cookie` line, parsed. */
export interface ParsedCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased; a flag such as `httponly` is `true`. */
  attributes: Record<string, string | true>;
  /** The line as the server sent it. */
  raw: string;
}

/** Parses one Set-Cookie header line into name, value and attributes (names lower-cased). */
export function parseSetCookie(raw: string): ParsedCookie {
  const [pair, ...parts] = raw.split(';');
  const eq = pair!.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const [key, ...rest] = part.trim().split('=');
    attributes[key!.toLowerCase()] = rest.length ? rest.join('=') : true;
  }
  return { name: pair!.slice(0, eq).trim(), value: pair!.slice(eq + 1).trim(), attributes, raw };
}

/** Every Set-Cookie line of a supertest response, parsed. */
export function setCookies(res: Response): ParsedCookie[] {
  const header = res.headers['set-cookie'] as string[] | string | undefined;
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return lines.map(parseSetCookie);
}
