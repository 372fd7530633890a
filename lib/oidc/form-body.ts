import type { Request } from 'express';

/** Larger than any logout token (a few KB); a bigger body is refused without being kept. */
export const MAX_FORM_BODY = 32_768;
/** Past this much, the connection is closed instead of read to its end. */
const MAX_DRAINED = 4 * 1024 * 1024;

/** The body of a form POST as text, or undefined when it exceeds {@link MAX_FORM_BODY}. */
export function readFormBody(req: Request): Promise<string | undefined> {
  // An app-wide urlencoded parser may have read it already.
  if (!req.readable || req.readableEnded) {
    const parsed = (req as { body?: unknown }).body;
    if (typeof parsed !== 'object' || parsed === null) return Promise.resolve('');
    const fields = Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    return Promise.resolve(new URLSearchParams(fields).toString());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FORM_BODY) chunks.push(chunk);
      else if (size > MAX_DRAINED) req.destroy();
    });
    req.on('end', () => resolve(size <= MAX_FORM_BODY ? Buffer.concat(chunks).toString('utf8') : undefined));
    req.on('error', reject);
    // An aborted or destroyed request never ends: settle so nothing waits on it.
    req.on('close', () => resolve(undefined));
  });
}
