import { createHash } from 'node:crypto';

/** What running a script needs of node-redis: a plain, Cluster or Sentinel client all provide it. */
export interface RedisScriptClient {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/**
 * A Lua script run by EVALSHA: only its SHA-1 goes over the wire and Redis hashes nothing. A
 * server that does not have it (after a restart, a failover or SCRIPT FLUSH; on a Cluster, each
 * node the first time) answers NOSCRIPT, and EVAL runs it and caches it there again.
 */
export class RedisScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisScriptClient, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await client.evalSha(this.sha, { keys, arguments: args });
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.source, { keys, arguments: args });
    }
  }
}
