import { isIPv6 } from 'node:net';
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export const LIMITS = {
  perUser: { max: 5, windowMs: 5 * 60_000 },
  perAddress: { max: 20, windowMs: 60_000 },
};

/** Where a deployment keeps the per-username attempt count (also cleared by `npm run admin:reset-password`). */
export const userKeyPrefix = (redisPrefix: string) => `${redisPrefix}:login:user`;
const addressKeyPrefix = (redisPrefix: string) => `${redisPrefix}:login:addr`;
/** Usernames are matched case-insensitively, so are their attempts. */
export const userKey = (username: string) => username.toLowerCase();

/**
 * Login brute-force protection (DESIGN.md): at most 5 attempts per username within 5 minutes and
 * 20 per address within a minute; further attempts get 429 until the window ends.
 *
 * An attempt is counted atomically *before* the password is verified (rate-limiter-flexible:
 * one Lua INCR+EXPIRE in Redis, a synchronous counter in memory), so a burst of parallel requests
 * cannot all pass the check before any failure is recorded. Every attempt counts, refused ones
 * too (a refund could land in the next window and start it below zero). A successful login clears
 * its username's count and gives its address the attempt back.
 */
export class LoginThrottle {
  private constructor(
    private readonly perUser: RateLimiterAbstract,
    private readonly perAddress: RateLimiterAbstract,
  ) {}

  /** One admin process: counts in memory. */
  static memory(): LoginThrottle {
    return new LoginThrottle(memoryLimiter('user', LIMITS.perUser), memoryLimiter('addr', LIMITS.perAddress));
  }

  /**
   * Several admins: counts shared in Redis. While Redis is unreachable each admin counts in its own
   * memory (so N admins allow up to N times the limit until it is back).
   */
  static redis(redis: Redis, redisPrefix: string): LoginThrottle {
    const limiter = (keyPrefix: string, limit: { max: number; windowMs: number }, name: string) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points: limit.max,
        duration: limit.windowMs / 1000,
        insuranceLimiter: memoryLimiter(name, limit),
        rejectIfRedisNotReady: true,
      });
    return new LoginThrottle(
      limiter(userKeyPrefix(redisPrefix), LIMITS.perUser, 'user'),
      limiter(addressKeyPrefix(redisPrefix), LIMITS.perAddress, 'addr'),
    );
  }

  /**
   * Counts one attempt for this username and address. Returns 0 when the attempt may go on to the
   * password check, else the ms until it may be retried.
   */
  async attempt(username: string, address: string): Promise<number> {
    const outcomes = await Promise.allSettled([
      this.perUser.consume(userKey(username)),
      this.perAddress.consume(addressKey(address)),
    ]);
    let waitMs = 0;
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') continue;
      if (!(outcome.reason instanceof RateLimiterRes)) throw outcome.reason;
      waitMs = Math.max(waitMs, outcome.reason.msBeforeNext, 1);
    }
    return waitMs;
  }

  /** The right password: this username starts afresh, and the address gets its attempt back. */
  async succeeded(username: string, address: string): Promise<void> {
    await Promise.all([
      this.perUser.delete(userKey(username)),
      this.perAddress.reward(addressKey(address), 1),
    ]);
  }
}

/**
 * One key per client, whatever the spelling of its address: an IPv4-mapped IPv6 address is its
 * IPv4 address, and an IPv6 client is its /64 (one customer's network; its host part is theirs
 * to choose).
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

function memoryLimiter(name: string, limit: { max: number; windowMs: number }) {
  return new RateLimiterMemory({ keyPrefix: name, points: limit.max, duration: limit.windowMs / 1000 });
}

/** Lifts a username's lockout in Redis (the reset-password tool; memory lockouts end with the process). */
export async function clearUserLockout(redis: Redis, redisPrefix: string, username: string) {
  await redis.del(`${userKeyPrefix(redisPrefix)}:${userKey(username)}`);
}
