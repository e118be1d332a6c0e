import type { Redis } from 'ioredis';

/** Counts failures in a fixed window; shared through Redis when several admins run. */
export interface FailureStore {
  /** current count and ms until the window resets */
  get(key: string): Promise<{ count: number; resetMs: number }>;
  increment(key: string, windowMs: number): Promise<void>;
  reset(key: string): Promise<void>;
}

export class MemoryFailureStore implements FailureStore {
  private readonly map = new Map<string, { count: number; until: number }>();

  async get(key: string) {
    const e = this.map.get(key);
    const now = Date.now();
    if (!e || e.until <= now) return { count: 0, resetMs: 0 };
    return { count: e.count, resetMs: e.until - now };
  }

  async increment(key: string, windowMs: number) {
    const now = Date.now();
    const e = this.map.get(key);
    if (!e || e.until <= now) this.map.set(key, { count: 1, until: now + windowMs });
    else e.count++;
    if (this.map.size > 100_000) {
      for (const [k, v] of this.map) if (v.until <= now) this.map.delete(k);
    }
  }

  async reset(key: string) {
    this.map.delete(key);
  }
}

export class RedisFailureStore implements FailureStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(key: string) {
    const k = `${this.prefix}:${key}`;
    const [count, ttl] = await Promise.all([this.redis.get(k), this.redis.pttl(k)]);
    return { count: Number(count ?? 0), resetMs: Math.max(0, ttl) };
  }

  async increment(key: string, windowMs: number) {
    const k = `${this.prefix}:${key}`;
    // INCR and the expiry in one round trip, so a key never lives without its window.
    await this.redis.multi().incr(k).pexpire(k, windowMs, 'NX').exec();
  }

  async reset(key: string) {
    await this.redis.del(`${this.prefix}:${key}`);
  }
}

export const LIMITS = {
  perUser: { max: 5, windowMs: 5 * 60_000 },
  perAddress: { max: 20, windowMs: 60_000 },
};

/**
 * Login brute-force protection (DESIGN.md): after 5 failures for a username within 5 minutes, or
 * 20 from one address within a minute, further attempts get 429 until the window ends.
 */
export class LoginThrottle {
  constructor(private readonly store: FailureStore) {}

  /** ms to wait, or 0 when an attempt is allowed */
  async blockedFor(username: string, address: string): Promise<number> {
    const [u, a] = await Promise.all([this.store.get(userKey(username)), this.store.get(addrKey(address))]);
    let wait = 0;
    if (u.count >= LIMITS.perUser.max) wait = Math.max(wait, u.resetMs);
    if (a.count >= LIMITS.perAddress.max) wait = Math.max(wait, a.resetMs);
    return wait;
  }

  async failed(username: string, address: string): Promise<void> {
    await Promise.all([
      this.store.increment(userKey(username), LIMITS.perUser.windowMs),
      this.store.increment(addrKey(address), LIMITS.perAddress.windowMs),
    ]);
  }

  async succeeded(username: string): Promise<void> {
    await this.store.reset(userKey(username));
  }
}

/** The throttle key of a username (also cleared by `npm run admin:reset-password`). */
export const userKey = (u: string) => `login:user:${u.toLowerCase()}`;
const addrKey = (a: string) => `login:addr:${a}`;
