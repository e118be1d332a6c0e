import { parseArgs } from 'node:util';
import { createPool, migrate } from '@botpulse/db';
import { commonEnvShape, exitOnStartupError, parseEnv, resolveDatabaseUrl } from '@botpulse/runtime';
import { z } from 'zod';
import { describeTimings } from './bulk/load';
import { generateHistory } from './history/generate';
import { isValidTimeZone, systemTimeZone } from './simulator/rhythm';
import { redact } from './supervisor/wait';

const HELP = `npm run history -- [options]   fill the database with past conversations

  --days <n>        days of history, ending now                 (default 30)
  --per-day <n>     average user messages per day               (default 2000)
  --total <n>       total messages instead of --per-day (e.g. 10000000)
  --users <n>       distinct users                              (default 1500)
  --tz <zone>       zone of the daily rhythm                    (default ${systemTimeZone()})
  --seed <text>     same seed, same history                     (default "botpulse")
  --batch <n>       rows per chunk (one COPY + INSERT … SELECT)  (default 50000)
  --database-url    PostgreSQL URL (default DATABASE_URL, else the embedded database)
  -h, --help

Rows are marked instance_id "history". Each reply carries believable Gemini usage and cost
(gemini-2.0-flash, then 2.5 flash/pro; cost from the shipped price table). They go in through the
bulk path of \`npm run import\` (COPY, or batched INSERTs on the embedded database); the analytics
rollups (message counts, user bitmaps, Gemini tokens and cost) are built set-wise after the load.`;

function positive(name: string, raw: string | undefined, fallback: number, max = 1e9): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

async function main() {
  const { values } = parseArgs({
    options: {
      days: { type: 'string' },
      'per-day': { type: 'string' },
      total: { type: 'string' },
      users: { type: 'string' },
      tz: { type: 'string' },
      seed: { type: 'string' },
      batch: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const days = positive('days', values.days, 30, 3650);
  const total = values.total ? positive('total', values.total, 0, 1e9) : undefined;
  const perDay = total ? Math.ceil(total / days) : positive('per-day', values['per-day'], 2000);
  const tz = values.tz ?? systemTimeZone();
  if (!isValidTimeZone(tz)) throw new Error(`--tz "${tz}" is not an IANA time zone`);
  const env = parseEnv(z.object(commonEnvShape));
  const url = values['database-url'] ?? resolveDatabaseUrl(env).url;
  await migrate(url);
  const db = createPool(url, { max: 4, applicationName: 'botpulse-history' });
  const tty = process.stdout.isTTY;
  console.log(
    `Generating ~${(perDay * days).toLocaleString('en')} messages over ${days} days into ${redact(url)}`,
  );
  const result = await generateHistory(
    db,
    {
      days,
      perDay,
      users: positive('users', values.users, 1500, 10_000_000),
      seed: values.seed ?? 'botpulse',
      tz,
      endMs: Date.now(),
      batchSize: positive('batch', values.batch, 50_000, 1_000_000),
      instanceId: 'history',
    },
    (p) => {
      const rate = p.inserted / (p.elapsedMs / 1000);
      const eta = (p.planned - p.inserted) / Math.max(1, rate);
      const line = `  ${p.inserted.toLocaleString('en')} / ~${p.planned.toLocaleString('en')} rows · ${Math.round(rate).toLocaleString('en')} rows/s · ${Math.round(eta)} s left`;
      if (tty) process.stdout.write(`\r${line}   `);
      else if (p.inserted % 100_000 < 10_000) console.log(line);
    },
  );
  if (tty) process.stdout.write('\n');
  console.log(
    `Done: ${result.messages.toLocaleString('en')} messages from ${result.users.toLocaleString('en')} users in ${(result.ms / 1000).toFixed(1)} s`,
  );
  console.log(`  ${describeTimings(result.bulk)}`);
  await db.end();
}

main().catch((err) => exitOnStartupError('history', err));
