import { DEMO_PAGE } from '../messenger/ids';
import { isValidTimeZone, systemTimeZone } from './rhythm';
import type { ProgressSnapshot } from './stats';
import type { TrafficMix } from './traffic';

export type SimulationMode = 'demo' | 'load';

export interface SimulationOptions {
  /** the bot's base URL; events go to <url>/webhook */
  url: string;
  /** the bot's FB_APP_SECRET, to sign every POST */
  secret: string;
  /**
   * demo: Poisson arrivals following the daily rhythm, like real people.
   * load: a constant arrival rate, open loop (a slow bot does not slow the sender down).
   */
  mode: SimulationMode;
  /** user messages per minute (in demo mode the daily average); default 30, or 1,000 in load mode */
  ratePerMinute: number;
  /** 0 = until the signal aborts; default 0 in demo mode, 60 s in load mode */
  durationMs: number;
  users: number;
  /** same seed, same users and the same choices (message ids are always fresh) */
  seed: string;
  /** IANA zone whose local time drives the daily rhythm */
  timeZone: string;
  /** follow the daily rhythm (default: on in demo mode, off in load mode) */
  rhythm: boolean;
  /** mean pause between one user's messages in a conversation */
  thinkTimeMs: number;
  pageId: string;
  requestTimeoutMs: number;
  /** POSTs allowed in flight at once; beyond it new POSTs are dropped and counted, not queued */
  maxInFlight: number;
  /** how long to wait for the bot to come up before giving up */
  waitForBotMs: number;
  mix: Partial<TrafficMix>;
  progressIntervalMs: number;
  onProgress?: (progress: ProgressSnapshot) => void;
}

export type SimulationInput = Partial<SimulationOptions> & { secret: string };

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}

/** Fills in defaults and rejects bad values with a message naming the option. */
export function resolveOptions(input: SimulationInput): SimulationOptions {
  const mode = input.mode ?? 'demo';
  const o: SimulationOptions = {
    url: input.url ?? 'http://127.0.0.1:3000',
    secret: input.secret,
    mode,
    ratePerMinute: input.ratePerMinute ?? (mode === 'load' ? 1_000 : 30),
    durationMs: input.durationMs ?? (mode === 'load' ? 60_000 : 0),
    users: input.users ?? 200,
    seed: input.seed ?? 'botpulse',
    timeZone: input.timeZone ?? systemTimeZone(),
    rhythm: input.rhythm ?? mode === 'demo',
    thinkTimeMs: input.thinkTimeMs ?? 8_000,
    pageId: input.pageId ?? DEMO_PAGE.id,
    requestTimeoutMs: input.requestTimeoutMs ?? 10_000,
    maxInFlight: input.maxInFlight ?? 512,
    waitForBotMs: input.waitForBotMs ?? 0,
    mix: input.mix ?? {},
    progressIntervalMs: input.progressIntervalMs ?? 1_000,
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  };
  check(mode === 'demo' || mode === 'load', `mode must be "demo" or "load", got "${String(mode)}"`);
  check(
    URL.canParse(o.url) && /^https?:$/.test(new URL(o.url).protocol),
    `url must be an http(s) URL, got "${o.url}"`,
  );
  check(
    typeof o.secret === 'string' && o.secret !== '',
    "secret (the bot's FB_APP_SECRET) is required to sign webhooks",
  );
  check(
    Number.isFinite(o.ratePerMinute) && o.ratePerMinute > 0,
    `rate must be > 0 messages per minute, got ${o.ratePerMinute}`,
  );
  check(
    o.ratePerMinute <= 6_000_000,
    `rate must be at most 6,000,000 messages per minute, got ${o.ratePerMinute}`,
  );
  check(
    Number.isFinite(o.durationMs) && o.durationMs >= 0,
    `duration must be >= 0 ms (0 = forever), got ${o.durationMs}`,
  );
  check(
    Number.isInteger(o.users) && o.users >= 1 && o.users <= 1_000_000,
    `users must be a whole number from 1 to 1,000,000, got ${o.users}`,
  );
  check(isValidTimeZone(o.timeZone), `time zone must be an IANA zone like Europe/Paris, got "${o.timeZone}"`);
  check(
    Number.isFinite(o.thinkTimeMs) && o.thinkTimeMs >= 0,
    `think time must be >= 0 ms, got ${o.thinkTimeMs}`,
  );
  check(o.requestTimeoutMs > 0, `request timeout must be > 0 ms, got ${o.requestTimeoutMs}`);
  check(
    Number.isInteger(o.maxInFlight) && o.maxInFlight >= 1,
    `max in flight must be a whole number >= 1, got ${o.maxInFlight}`,
  );
  check(o.waitForBotMs >= 0, `wait for bot must be >= 0 ms, got ${o.waitForBotMs}`);
  check(o.progressIntervalMs > 0, `progress interval must be > 0 ms, got ${o.progressIntervalMs}`);
  for (const [key, value] of Object.entries(o.mix)) {
    check(
      typeof value === 'number' && value >= 0 && value <= 1,
      `mix.${key} must be a share from 0 to 1, got ${value}`,
    );
  }
  return o;
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "60s", "10m", "1.5h", "2d", or a bare number of seconds; "0" means forever. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new RangeError(`expected a duration like 60s, 10m, 1h or 0 (forever), got "${text}"`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 's']!);
}
