import { parseArgs } from 'node:util';
import { parseDuration, resolveOptions, type SimulationOptions } from './options';

export const USAGE = `Usage: npm run simulate -- [options]

Sends signed Messenger webhook events from simulated users to the bot's /webhook.

Options:
  --url <url>            the bot's base URL (default http://127.0.0.1:3000)
  --secret <secret>      the bot's app secret (default: env FB_APP_SECRET, else DATA_DIR/secrets.json)
  --rate <n>             user messages per minute (default 30; 1000 with --load).
                         Without --load it is the daily average: nights are quiet, evenings busy
  --duration <d>         how long: 500ms, 60s, 10m, 2h; 0 = until Ctrl-C (default 0; 60s with --load)
  --users <n>            simulated people (default 200)
  --seed <text>          same seed, same people and choices (default "botpulse")
  --tz <zone>            IANA time zone of the daily rhythm (default: this machine's)
  --rhythm <on|off>      follow the daily rhythm (default on; off with --load)
  --load                 load test: constant arrival rate, open loop; reports achieved rate,
                         acknowledgement latency p50/p95/p99 and non-2xx answers
  --max-in-flight <n>    POSTs waiting at once before new ones are dropped (default 512)
  --timeout <d>          per-request timeout (default 10s)
  --wait <d>             wait this long for the bot to come up (default 0)
  --json                 print the summary as JSON
  --quiet                no progress line, only the summary
  -h, --help             this help

Exit status: 0 when the bot acknowledged traffic, 1 when it was unreachable or acknowledged nothing,
2 for bad options.`;

export interface CliChoice {
  options: Omit<SimulationOptions, 'secret' | 'onProgress'> & { secret: string | undefined };
  quiet: boolean;
  json: boolean;
}

/** A bad command line: the message says which option and what was expected. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`--${name}: expected a number, got "${value}"`);
  return n;
}

function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

/** Parses argv (without node and script); `help` when -h was asked for. */
export function parseCliArgs(argv: string[], env: Record<string, string | undefined>): CliChoice | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const rhythm = values.rhythm;
  if (rhythm !== undefined && rhythm !== 'on' && rhythm !== 'off') {
    throw new UsageError(`--rhythm: expected on or off, got "${rhythm}"`);
  }
  const users = number('users', values.users);
  if (users !== undefined && !Number.isInteger(users))
    throw new UsageError(`--users: expected a whole number, got "${values.users}"`);
  const input = {
    mode: values.load ? ('load' as const) : ('demo' as const),
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(values.rate !== undefined ? { ratePerMinute: number('rate', values.rate) } : {}),
    ...(values.duration !== undefined ? { durationMs: duration('duration', values.duration) } : {}),
    ...(users !== undefined ? { users } : {}),
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.tz !== undefined ? { timeZone: values.tz } : {}),
    ...(rhythm !== undefined ? { rhythm: rhythm === 'on' } : {}),
    ...(values['max-in-flight'] !== undefined
      ? { maxInFlight: number('max-in-flight', values['max-in-flight']) }
      : {}),
    ...(values.timeout !== undefined ? { requestTimeoutMs: duration('timeout', values.timeout) } : {}),
    ...(values.wait !== undefined ? { waitForBotMs: duration('wait', values.wait) } : {}),
  };
  const secret = values.secret ?? env.FB_APP_SECRET?.trim() ?? undefined;
  let options: SimulationOptions;
  try {
    // Validate everything but the secret now; the secret may still come from DATA_DIR.
    options = resolveOptions({ ...input, secret: secret || 'placeholder' });
  } catch (err) {
    throw new UsageError(flagFor((err as Error).message));
  }
  return {
    options: { ...options, secret: secret || undefined },
    quiet: values.quiet ?? false,
    json: values.json ?? false,
  };
}

// resolveOptions names options as the library does; on the command line, name the flag.
const FLAGS: Array<[string, string]> = [
  ['rate', '--rate'],
  ['duration', '--duration'],
  ['users', '--users'],
  ['time zone', '--tz'],
  ['url', '--url'],
  ['max in flight', '--max-in-flight'],
  ['request timeout', '--timeout'],
  ['wait for bot', '--wait'],
];

function flagFor(message: string): string {
  const match = FLAGS.find(([prefix]) => message.startsWith(prefix));
  return match ? `${match[1]}: ${message}` : message;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      secret: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      users: { type: 'string' },
      seed: { type: 'string' },
      tz: { type: 'string' },
      rhythm: { type: 'string' },
      load: { type: 'boolean' },
      'max-in-flight': { type: 'string' },
      timeout: { type: 'string' },
      wait: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
