import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** An Express app's request handler, as `app.getHttpAdapter().getInstance()` gives it. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface InProcessAnswer {
  status: number;
  setCookie: string[];
}

/**
 * Hands one request to an app's handler as Node request/response objects over a socket that
 * discards what is written: the whole module path runs without TCP or HTTP parsing, at a
 * fraction of a real request's cost, so a test can send a hundred thousand of them. Resolves
 * when the response has finished.
 */
export function sendInProcess(
  handler: RequestHandler,
  method: string,
  url: string,
  headers: Record<string, string>,
): Promise<InProcessAnswer> {
  return new Promise((resolve, reject) => {
    const socket = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() }) as unknown as Socket;
    Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
    const req = new IncomingMessage(socket);
    Object.assign(req, { method, url, headers });
    req.push(null);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.on('finish', () => {
      const setCookie = res.getHeader('set-cookie');
      resolve({ status: res.statusCode, setCookie: Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : [] });
    });
    res.on('error', reject);
    handler(req, res);
  });
}
