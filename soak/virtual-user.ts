import { setTimeout as sleep } from 'node:timers/promises';
import { soakPassword, soakUsername } from './app/soak-users.js';
import type { SoakBreak } from './app/soak-data.controller.js';
import type { FaultLog } from './faults.js';
import { send, type Endpoint, type Reply } from './http.js';
import type { Stats } from './stats.js';
import { codeFor, secretOf, stepAt } from './totp.js';

/** What one phase gives its virtual users. */
export interface PhaseContext {
  phase: string;
  endpoints: [Endpoint, Endpoint];
  stats: Stats;
  faults: FaultLog;
  /** Epoch ms after which no new operation starts. */
  deadline: number;
  defect: SoakBreak;
  /** Old cookies of ended sessions, replayed once more at the end of the phase. */
  ended: EndedSession[];
}

export interface EndedSession {
  cookie: string;
  vu: number;
}

interface Write {
  value: string;
  sent: number;
  answered: number;
}

/** A key's state: the last acknowledged write, and writes since then whose outcome is unknown. */
interface KeyState {
  acked: Write | undefined;
  uncertain: Write[];
}

interface LiveSession {
  cookie: string;
  keys: Map<string, KeyState>;
  /** A logout or revocation of it got no clear answer (503, no response): it may have worked. */
  endAsked: boolean;
}

const KEYS = ['a', 'b', 'c', 'd'];
/** Think time between a user's requests. */
const THINK_MS: [number, number] = [250, 750];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const between = ([min, max]: [number, number]) => min + Math.random() * (max - min);

/**
 * One person with one account, one request at a time: logs in (with a TOTP code when enrolled),
 * reads /api/me, writes and reads session data, lists devices, logs out or revokes a session
 * from a second one; every response is checked against what this user alone knows.
 */
export class VirtualUser {
  readonly username: string;
  readonly userId: string;
  /** A value written by this user starts with this tag; another tag is another user's data. */
  private readonly tag: string;
  private secret: string | undefined;
  /** The last TOTP step this user sent (accepted or not): each step is used once. */
  private lastStep = -1;
  private enrolled = false;
  private session: LiveSession | undefined;
  private seq = 0;

  constructor(
    readonly index: number,
    readonly mfa: boolean,
  ) {
    this.username = soakUsername(index);
    this.userId = `user-${this.username}`;
    this.tag = `vu${index}:`;
  }

  /** Runs until the deadline or `maxOps` operations, whichever first. */
  async run(ctx: PhaseContext, maxOps: number): Promise<void> {
    this.session = undefined;
    await sleep(Math.random() * 2_000);
    for (let op = 0; op < maxOps && Date.now() < ctx.deadline; op++) {
      await this.step(ctx);
      await sleep(between(THINK_MS));
    }
  }

  private async step(ctx: PhaseContext): Promise<void> {
    if (!this.session) {
      this.session = await this.login(ctx);
      if (this.session && this.mfa && !this.enrolled) await this.enrol(ctx, this.session);
      return;
    }
    const roll = Math.random();
    if (roll < 0.35) await this.readMe(ctx, this.session);
    else if (roll < 0.65) await this.write(ctx, this.session);
    else if (roll < 0.9) await this.readData(ctx, this.session);
    else if (roll < 0.95) await this.request(ctx, this.session, 'GET', '/api/sessions');
    else if (roll < 0.975) await this.logout(ctx, this.session);
    else await this.revokeFromSecondSession(ctx, this.session);
  }

  private other(ctx: PhaseContext, endpoint: Endpoint): Endpoint {
    return ctx.endpoints[0] === endpoint ? ctx.endpoints[1] : ctx.endpoints[0];
  }

  /** Password, then the TOTP step when the account has MFA. Undefined when it did not work out. */
  private async login(ctx: PhaseContext, at: Endpoint = pick(ctx.endpoints)): Promise<LiveSession | undefined> {
    const reply = await send(ctx.stats, ctx.phase, at, 'POST', '/api/auth/login', {
      body: { username: this.username, password: soakPassword(this.username) },
    });
    if (reply.status !== 200 || !reply.cookie) return undefined;
    const body = reply.body as { user?: { id?: unknown }; mfa?: unknown };
    this.checkUser(ctx, 'login', body.user?.id);
    const session: LiveSession = { cookie: reply.cookie, keys: new Map(), endAsked: false };
    if (body.mfa === 'required') {
      this.enrolled = true;
      if (!(await this.totp(ctx, session, at, '/api/auth/mfa/verify'))) {
        await send(ctx.stats, ctx.phase, at, 'POST', '/api/auth/logout', { cookie: session.cookie });
        return undefined;
      }
    } else if (this.enrolled && body.mfa === 'none') {
      // An enrolment whose confirm answered no response did not happen after all.
      this.enrolled = false;
    }
    ctx.stats.logins++;
    return session;
  }

  /** Turns MFA on for this account (right after login, before any data is written). */
  private async enrol(ctx: PhaseContext, session: LiveSession): Promise<void> {
    const at = pick(ctx.endpoints);
    const start = await this.request(ctx, session, 'POST', '/api/mfa/enroll', undefined, at);
    if (start?.status !== 200) return;
    const candidate = secretOf((start.body as { otpauthUrl: string }).otpauthUrl);
    const previous = this.secret;
    this.secret = candidate;
    const confirmed = await this.totp(ctx, session, at, '/api/mfa/enroll/confirm');
    if (confirmed) {
      this.enrolled = true;
      ctx.stats.mfaEnrolled++;
    } else if (confirmed === undefined) {
      // No answer: maybe enrolled with this secret; the next login tells (mfa required or not).
      this.enrolled = true;
    } else {
      this.secret = previous;
    }
  }

  /**
   * Sends a fresh code (a step this user has not used) to `path`; on 200 replays the same code
   * once from a new login on the other instance, which must refuse it. True = accepted,
   * false = refused, undefined = no answer (the code may have been consumed).
   */
  private async totp(ctx: PhaseContext, session: LiveSession, at: Endpoint, path: string): Promise<boolean | undefined> {
    const fresh = await this.freshCode(ctx.deadline);
    if (!fresh) return false;
    const reply = await send(ctx.stats, ctx.phase, at, 'POST', path, { cookie: session.cookie, body: { code: fresh } });
    if (reply.cookie) session.cookie = reply.cookie;
    if (reply.status === 0 || reply.status === 503) return undefined;
    if (reply.status !== 200) return false;
    ctx.stats.mfaVerified++;
    await this.replayCode(ctx, this.other(ctx, at), fresh);
    return true;
  }

  private async freshCode(deadline: number): Promise<string | undefined> {
    if (!this.secret) return undefined;
    // Not in the last 2 s of a step: the code must still be current when it is replayed.
    while (stepAt(Date.now()) <= this.lastStep || Date.now() % 30_000 > 28_000) {
      if (Date.now() > deadline) return undefined;
      await sleep(250);
    }
    this.lastStep = stepAt(Date.now());
    return codeFor(this.secret, this.lastStep);
  }

  private async replayCode(ctx: PhaseContext, at: Endpoint, code: string): Promise<void> {
    const login = await send(ctx.stats, ctx.phase, at, 'POST', '/api/auth/login', {
      body: { username: this.username, password: soakPassword(this.username) },
    });
    if (login.status !== 200 || !login.cookie || (login.body as { mfa?: unknown }).mfa !== 'required') {
      ctx.stats.mfaReplayInconclusive++;
      return;
    }
    const reply = await send(ctx.stats, ctx.phase, at, 'POST', '/api/auth/mfa/verify', { cookie: login.cookie, body: { code } });
    const cookie = reply.cookie ?? login.cookie;
    if (reply.status === 200) ctx.stats.mfaReplayAccepted++;
    if (reply.status === 200 || reply.status === 401) ctx.stats.mfaReplayProbed++;
    else ctx.stats.mfaReplayInconclusive++;
    await send(ctx.stats, ctx.phase, at, 'POST', '/api/auth/logout', { cookie });
  }

  private async readMe(ctx: PhaseContext, session: LiveSession): Promise<void> {
    const reply = await this.request(ctx, session, 'GET', '/api/me');
    if (reply?.status === 200) this.checkUser(ctx, 'GET /api/me', (reply.body as { user?: { id?: unknown } }).user?.id);
  }

  private async write(ctx: PhaseContext, session: LiveSession): Promise<void> {
    const key = pick(KEYS);
    const value = `${this.tag}${++this.seq}`;
    const state = session.keys.get(key) ?? { acked: undefined, uncertain: [] };
    session.keys.set(key, state);
    const reply = await this.request(ctx, session, 'PUT', '/api/soak/data', { key, value });
    if (!reply) return;
    const write = { value, sent: reply.sent, answered: reply.answered };
    if (reply.status === 200) {
      state.acked = write;
      state.uncertain = [];
      ctx.stats.writesAcked++;
      if (!ctx.faults.overlaps(write.sent, write.answered)) ctx.stats.writesAckedOutsideFaults++;
    } else if (reply.status === 0 || reply.status >= 500) {
      state.uncertain.push(write);
      ctx.stats.writesUncertain++;
    }
  }

  private async readData(ctx: PhaseContext, session: LiveSession, at?: Endpoint): Promise<number> {
    const reply = await this.request(ctx, session, 'GET', '/api/soak/data', undefined, at);
    if (reply?.status === 200) this.checkData(ctx, session, reply.body as { userId?: unknown; data?: Record<string, unknown> });
    return reply?.status ?? 401;
  }

  /** Every value must be this user's, and every key must hold its last acknowledged write (or an uncertain later one). */
  private checkData(ctx: PhaseContext, session: LiveSession, body: { userId?: unknown; data?: Record<string, unknown> }): void {
    ctx.stats.readsChecked++;
    this.checkUser(ctx, 'GET /api/soak/data', body.userId);
    const data = body.data ?? {};
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string' || !value.startsWith(this.tag)) {
        ctx.stats.foreignData++;
        ctx.stats.note(ctx.stats.foreignDetails, `${ctx.phase} vu${this.index} GET /api/soak/data: key ${key} holds a value this user never wrote`);
      }
    }
    for (const [key, state] of session.keys) {
      const seen = data[key];
      if (state.acked?.value === seen) continue;
      const applied = state.uncertain.find((w) => w.value === seen);
      if (applied) {
        state.acked = applied;
        state.uncertain = [];
        continue;
      }
      if (state.acked) this.lost(ctx, key, state.acked);
      state.acked = typeof seen === 'string' ? { value: seen, sent: Date.now(), answered: Date.now() } : undefined;
      state.uncertain = [];
    }
  }

  private lost(ctx: PhaseContext, key: string, write: Write): void {
    if (ctx.faults.overlaps(write.sent, write.answered)) {
      ctx.stats.lostWritesInFaults++;
      return;
    }
    ctx.stats.lostWrites++;
    ctx.stats.note(ctx.stats.lostDetails, `${ctx.phase} vu${this.index} key ${key}: write acknowledged ${Math.round((Date.now() - write.answered) / 1000)} s earlier is gone`);
  }

  private checkUser(ctx: PhaseContext, where: string, userId: unknown): void {
    if (userId === this.userId) return;
    ctx.stats.foreignData++;
    ctx.stats.note(ctx.stats.foreignDetails, `${ctx.phase} vu${this.index} ${where}: answered for another user`);
  }

  private async logout(ctx: PhaseContext, session: LiveSession): Promise<void> {
    if (ctx.defect !== 'skip-logout') {
      const reply = await this.request(ctx, session, 'POST', '/api/auth/logout');
      if (reply && (reply.status === 0 || reply.status >= 500)) session.endAsked = true;
      if (reply?.status !== 204) return;
    }
    ctx.stats.logouts++;
    this.session = undefined;
    await this.ended(ctx, session.cookie);
  }

  /** A second login (the other device) signs this session out through the devices API. */
  private async revokeFromSecondSession(ctx: PhaseContext, first: LiveSession): Promise<void> {
    const list = await this.request(ctx, first, 'GET', '/api/sessions');
    if (list?.status !== 200) return;
    const own = (list.body as Array<{ id: string; current: boolean }>).find((row) => row.current);
    if (!own) return;
    const second = await this.login(ctx);
    if (!second) return;
    const reply = await send(ctx.stats, ctx.phase, pick(ctx.endpoints), 'DELETE', `/api/sessions/${encodeURIComponent(own.id)}`, { cookie: second.cookie });
    if (reply.status === 0 || reply.status >= 500) first.endAsked = true;
    if (reply.status !== 204) {
      await send(ctx.stats, ctx.phase, pick(ctx.endpoints), 'POST', '/api/auth/logout', { cookie: second.cookie });
      return;
    }
    ctx.stats.revocations++;
    this.session = second;
    await this.ended(ctx, first.cookie);
  }

  /** An ended session's cookie, replayed on both instances at once (and again at the phase end). */
  private async ended(ctx: PhaseContext, cookie: string): Promise<void> {
    if (ctx.ended.length < 5_000) ctx.ended.push({ cookie, vu: this.index });
    for (const at of ctx.endpoints) await replayEnded(ctx, at, { cookie, vu: this.index });
  }

  /**
   * A request of the live session. A 401 the user did not cause is looked at again once no
   * fault is active: if the session works then, it was a spurious 401; if not, it is lost,
   * with every acknowledged write in it. Returns undefined when the session is gone.
   */
  private async request(
    ctx: PhaseContext,
    session: LiveSession,
    method: string,
    path: string,
    body?: unknown,
    at: Endpoint = pick(ctx.endpoints),
  ): Promise<Reply | undefined> {
    const reply = await send(ctx.stats, ctx.phase, at, method, path, { cookie: session.cookie, body });
    if (reply.cookie) session.cookie = reply.cookie;
    if (reply.status !== 401) return reply;
    const duringFault = ctx.faults.overlaps(reply.sent, reply.answered);
    await ctx.faults.waitQuiet(ctx.deadline + 60_000);
    const again = await send(ctx.stats, ctx.phase, this.other(ctx, at), 'GET', '/api/soak/data', { cookie: session.cookie });
    if (again.status === 200) {
      ctx.stats.spurious401++;
      if (!duringFault) ctx.stats.spurious401OutsideFaults++;
      this.checkData(ctx, session, again.body as { userId?: unknown; data?: Record<string, unknown> });
      return reply;
    }
    if (again.status === 401 && session.endAsked) {
      ctx.stats.endedUnanswered++;
    } else if (again.status === 401) {
      ctx.stats.sessionsLost++;
      if (!duringFault) ctx.stats.sessionsLostOutsideFaults++;
      for (const [key, state] of session.keys) if (state.acked) this.lost(ctx, key, state.acked);
    }
    if (this.session === session) this.session = undefined;
    return undefined;
  }
}

/** GET /api/me with an ended session's cookie: 401 is right, 200 is a session alive after its end. */
export async function replayEnded(ctx: PhaseContext, at: Endpoint, ended: EndedSession): Promise<void> {
  const reply = await send(ctx.stats, ctx.phase, at, 'GET', '/api/me', { cookie: ended.cookie });
  if (reply.status !== 200 && reply.status !== 401) return;
  ctx.stats.endedReplayed++;
  if (reply.status === 200) {
    ctx.stats.endedAlive++;
    ctx.stats.note(ctx.stats.aliveDetails, `${ctx.phase} vu${ended.vu} ${at.name}: GET /api/me 200 after logout/revocation`);
  }
}
