import type { LinkedSession, LogoutSubject, OidcLinkStore, OidcSessionLink } from './oidc-link-store.interface.js';
import { OidcLinkKeys } from './oidc-link-keys.js';
import { RedisScript, type RedisScriptClient } from '../store/redis-script.js';

/** What the links need of node-redis: a plain, Cluster or Sentinel client all provide it. */
export interface RedisOidcLinkClient extends RedisScriptClient {
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  hGetAll(key: string): Promise<unknown>;
  set(key: string, value: string, options: { condition?: 'NX'; expiration: { type: 'PX'; value: number } }): Promise<unknown>;
}

/**
 * Adds a session to the hash KEYS[1] and keeps the hash alive until its last session's deadline.
 * Fields whose deadline passed are pruned, so a hash holds live sessions only.
 * ARGV: handle, entry JSON (with `expiresAt`), ttl ms, now.
 */
const ADD_LINK = new RedisScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local now = tonumber(ARGV[4])
for _, value in ipairs(redis.call('HVALS', KEYS[1])) do
  local entry = cjson.decode(value)
  if tonumber(entry.expiresAt) <= now then redis.call('HDEL', KEYS[1], entry.handle) end
end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
`);

/** Keeps the later of the stored and the given logout time. ARGV: time, ttl ms. */
const MARK_SUB = new RedisScript(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(current, tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.format('%.0f', at), 'PX', ARGV[2])
return 1
`);

/**
 * The OIDC links in Redis, on the session store's own client and prefix. Every method is one
 * command or one script per key; no key is found by SCAN or KEYS; every key expires.
 * Keys: `<prefix>oidc:{s|u|h|o|x|j:...}` (see OidcLinkKeys).
 */
export class RedisOidcLinkStore implements OidcLinkStore {
  constructor(
    private readonly client: RedisOidcLinkClient,
    private readonly prefix = 'sess:',
  ) {}

  async link(link: OidcSessionLink, now: number): Promise<void> {
    const ttl = String(Math.max(1, link.expiresAt - now));
    const entry = JSON.stringify({ userId: link.userId, handle: link.handle, expiresAt: link.expiresAt });
    const add = (key: string) => ADD_LINK.run(this.client, [this.key(key)], [link.handle, entry, ttl, String(now)]);
    // The handle's record first: a back-channel logout that finds the session finds its link too.
    await this.client.set(this.key(OidcLinkKeys.byHandle(link.handle)), JSON.stringify(link), { expiration: { type: 'PX', value: Number(ttl) } });
    await Promise.all([add(OidcLinkKeys.bySub(link.iss, link.sub)), ...(link.sid !== undefined ? [add(OidcLinkKeys.bySid(link.iss, link.sid))] : [])]);
  }

  async linked(iss: string, subject: LogoutSubject, now: number): Promise<LinkedSession[]> {
    const key = subject.sid !== undefined ? OidcLinkKeys.bySid(iss, subject.sid) : OidcLinkKeys.bySub(iss, subject.sub!);
    const fields = (await this.client.hGetAll(this.key(key))) as Record<string, string>;
    return Object.values(fields ?? {})
      .map((value) => JSON.parse(value) as LinkedSession & { expiresAt: number })
      .filter((entry) => entry.expiresAt > now)
      .map(({ userId, handle }) => ({ userId, handle }));
  }

  async forHandle(handle: string, now: number): Promise<OidcSessionLink | null> {
    const value = await this.client.get(this.key(OidcLinkKeys.byHandle(handle)));
    if (typeof value !== 'string') return null;
    const link = JSON.parse(value) as OidcSessionLink;
    return link.expiresAt > now ? link : null;
  }

  async unlink(handle: string): Promise<void> {
    await this.client.del(this.key(OidcLinkKeys.byHandle(handle)));
  }

  async markLoggedOut(iss: string, subject: LogoutSubject, at: number, until: number): Promise<void> {
    const ttl = Math.max(1, until - at);
    if (subject.sid !== undefined) {
      await this.client.set(this.key(OidcLinkKeys.sidLoggedOut(iss, subject.sid)), String(at), { expiration: { type: 'PX', value: ttl } });
    } else if (subject.sub !== undefined) {
      await MARK_SUB.run(this.client, [this.key(OidcLinkKeys.subLoggedOut(iss, subject.sub))], [String(at), String(ttl)]);
    }
  }

  async isLoggedOut(iss: string, sid: string | undefined, sub: string, issuedAt: number): Promise<boolean> {
    const [sidMark, subMark] = await Promise.all([
      sid !== undefined ? this.client.get(this.key(OidcLinkKeys.sidLoggedOut(iss, sid))) : null,
      this.client.get(this.key(OidcLinkKeys.subLoggedOut(iss, sub))),
    ]);
    if (typeof sidMark === 'string') return true;
    return typeof subMark === 'string' && issuedAt <= Number(subMark);
  }

  async claimJti(iss: string, jti: string, until: number, now: number): Promise<boolean> {
    const reply = await this.client.set(this.key(OidcLinkKeys.jti(iss, jti)), '1', {
      condition: 'NX',
      expiration: { type: 'PX', value: Math.max(1, until - now) },
    });
    return reply === 'OK';
  }

  async releaseJti(iss: string, jti: string): Promise<void> {
    await this.client.del(this.key(OidcLinkKeys.jti(iss, jti)));
  }

  private key(name: string): string {
    return this.prefix + name;
  }
}
