import type { ActivityLimits, LoginHistory, LoginSighting, SecurityActivityEntry, SecurityActivityStore } from './security-activity.store.js';

interface UserActivity {
  entries: SecurityActivityEntry[];
  logExpiresAt: number;
  previous: LoginSighting | undefined;
  devices: Map<string, number>;
  historyExpiresAt: number;
}

/** Device families kept per user: more than anyone uses, few enough to bound memory. */
const MAX_DEVICES = 64;

/**
 * The activity log in this process, beside the memory session store. Bounded: `maxUsers` users
 * (the least recently written is dropped first), `maxEntries` each, and expired users are
 * dropped as they are met.
 */
export class MemorySecurityActivityStore implements SecurityActivityStore {
  private readonly users = new Map<string, UserActivity>();

  constructor(private readonly maxUsers = 100_000) {}

  async recordLogin(userId: string, login: LoginSighting, device: string | undefined, entry: SecurityActivityEntry, limits: ActivityLimits): Promise<LoginHistory> {
    const user = this.touch(userId, limits.now);
    const history: LoginHistory = {
      previous: user.previous,
      deviceLastSeen: device === undefined ? undefined : user.devices.get(device),
    };
    user.previous = structuredClone(login);
    if (device !== undefined) {
      user.devices.delete(device);
      user.devices.set(device, limits.now);
      if (user.devices.size > MAX_DEVICES) user.devices.delete(user.devices.keys().next().value!);
    }
    user.historyExpiresAt = limits.now + limits.historyTtl;
    this.push(user, entry, limits);
    return history;
  }

  async restoreLogin(userId: string, device: string | undefined, history: LoginHistory): Promise<void> {
    const user = this.users.get(userId);
    if (!user) return;
    user.previous = history.previous;
    if (device === undefined) return;
    if (history.deviceLastSeen === undefined) user.devices.delete(device);
    else user.devices.set(device, history.deviceLastSeen);
  }

  async append(userId: string, entry: SecurityActivityEntry, limits: ActivityLimits): Promise<void> {
    this.push(this.touch(userId, limits.now), entry, limits);
  }

  async list(userId: string, limit: number, now: number): Promise<SecurityActivityEntry[]> {
    const user = this.users.get(userId);
    if (!user || user.logExpiresAt <= now) return [];
    return user.entries.slice(0, limit).map((entry) => structuredClone(entry));
  }

  async close(): Promise<void> {
    this.users.clear();
  }

  private touch(userId: string, now: number): UserActivity {
    let user = this.users.get(userId);
    if (user) this.users.delete(userId);
    if (user && user.logExpiresAt <= now) user.entries = [];
    if (user && user.historyExpiresAt <= now) {
      user.previous = undefined;
      user.devices.clear();
    }
    user ??= { entries: [], logExpiresAt: 0, previous: undefined, devices: new Map(), historyExpiresAt: 0 };
    // Re-inserted: the map's order is the order of last writes, oldest first.
    this.users.set(userId, user);
    if (this.users.size > this.maxUsers) this.users.delete(this.users.keys().next().value!);
    return user;
  }

  private push(user: UserActivity, entry: SecurityActivityEntry, limits: ActivityLimits): void {
    user.entries.unshift(structuredClone(entry));
    if (user.entries.length > limits.maxEntries) user.entries.length = limits.maxEntries;
    user.logExpiresAt = limits.now + limits.ttl;
  }
}
