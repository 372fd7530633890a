/**
 * Run as a child process by redis-process-group.spec.ts: starts a RedisServerProcess, prints its
 * PID, then waits to be killed (as a test worker may be) without ever stopping the server itself.
 */
import { RedisServerProcess } from './redis-server.js';

const server = await RedisServerProcess.start();
process.stdout.write(`${JSON.stringify({ pid: server.pid })}\n`);
setInterval(() => undefined, 60_000);
