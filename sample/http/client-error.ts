import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiErrorBody } from './api-error.js';

/** Node's own answers to what its HTTP parser refuses, with our error shape. */
function answerFor(code: string | undefined): { status: number; body: ApiErrorBody } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, body: { error: 'headers_too_large', message: 'The request headers are too large.' } };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, body: { error: 'request_timeout', message: 'The request took too long to arrive.' } };
  }
  return { status: 400, body: { error: 'invalid_request', message: 'The request is not valid HTTP/1.1 (malformed request line, headers or body framing).' } };
}

/**
 * Requests Node's HTTP parser refuses (bad framing, a Content-Length that does not match, huge
 * headers) never reach Express; Node answers them with an empty 400. This answers with the same
 * status and a JSON body like every other error of the sample.
 */
export function answerClientErrorsWithJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A response already under way on this socket cannot be followed by another one.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, body } = answerFor(err.code);
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(json)}\r\n` +
        'Cache-Control: no-store\r\nConnection: close\r\n\r\n' +
        json,
    );
  });
}
