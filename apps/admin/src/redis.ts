import type { Logger } from '@botpulse/runtime';
import { Redis } from 'ioredis';

export interface RedisClients {
  /** Socket.io's adapter (and whatever else must not lose a command): waits out an outage */
  shared: Redis;
  /** the login limits: fails at once while Redis is away, so each admin falls back to memory */
  limits: Redis;
  disconnect(): void;
}

/** The URL without its password, for messages. */
const redacted = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/**
 * Redis for several admins. An outage must cost the cross-admin features, never the admin: the
 * adapter's client queues commands until Redis is back (a command that gave up would reject where
 * nobody awaits it — the adapter publishes its heartbeats unawaited — and end the process), while
 * the limiters' client refuses at once so logins fall back to each admin's memory.
 */
export async function connectRedis(url: string, log: Logger): Promise<RedisClients> {
  const shared = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  const limits = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  let down = false;
  const onError = (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: err.message }, 'redis unreachable: login limits per admin until it is back');
  };
  shared.on('error', onError);
  limits.on('error', () => {});
  shared.on('ready', () => {
    if (down) log.info('redis is back');
    down = false;
  });
  try {
    await Promise.all([shared.connect(), limits.connect()]);
  } catch (err) {
    shared.disconnect();
    limits.disconnect();
    throw new Error(`cannot reach Redis at REDIS_URL ${redacted(url)}: ${(err as Error).message}`);
  }
  return {
    shared,
    limits,
    disconnect() {
      shared.disconnect();
      limits.disconnect();
    },
  };
}
