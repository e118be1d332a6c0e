import { parseArgs } from 'node:util';
import { createPool } from '@botpulse/db';
import type { BotMetrics, InstanceState } from '@botpulse/protocol';
import {
  commonEnvShape,
  exitOnStartupError,
  parseEnv,
  resolveDatabaseUrl,
  withLocalSecrets,
} from '@botpulse/runtime';
import { z } from 'zod';
import { checkAccuracy } from '../../apps/admin/src/accuracy/accuracy-check';
import { AnalyticsService } from '../../apps/admin/src/analytics/analytics-service';
import { redact } from './supervisor/wait';

const HELP = `npm run verify-data -- [options]   are the monitor's numbers true?

Recomputes today's and yesterday's counts (UTC, per hour: messages, distinct users, Gemini tokens
and cost; per day: distinct users) from the raw conversation rows and compares them with the
analytics rollups, the analytics API and — with --bot — the bots' in-memory collectors. Prints every difference and exits
with 1 when there is one.

  --bot <url>       a bot's base URL (repeatable; default BOT_URLS), read with DEBUG_TOKEN
  --database-url    PostgreSQL URL (default DATABASE_URL, else the embedded database)
  --json            print the report as JSON
  -h, --help`;

async function botInstance(url: string, token: string): Promise<InstanceState> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/debug/metrics`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`${url}/debug/metrics answered HTTP ${res.status}`);
  const metrics = (await res.json()) as BotMetrics;
  return {
    instance_id: metrics.instance_id,
    status: 'ok',
    connected: true,
    last_seen: metrics.timestamp,
    metrics,
    health: null,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      bot: { type: 'string', multiple: true },
      'database-url': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const env = parseEnv(
    z.object({ ...commonEnvShape, BOT_URLS: z.string().optional(), DEBUG_TOKEN: z.string().optional() }),
  );
  const url = values['database-url'] ?? resolveDatabaseUrl(env).url;
  const bots =
    values.bot ??
    (env.BOT_URLS
      ? env.BOT_URLS.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : []);
  const token = env.DEBUG_TOKEN ?? withLocalSecrets(process.env, env.DATA_DIR).env.DEBUG_TOKEN ?? '';
  const db = createPool(url, { max: 4, applicationName: 'botpulse-verify' });
  try {
    const instances = await Promise.all(bots.map((b) => botInstance(b, token)));
    const report = await checkAccuracy(db, new AnalyticsService(db), instances);
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(
        `Database ${redact(url)}: ${report.checked.hours} hours and ${report.checked.days} days checked` +
          `${report.checked.instances.length ? `, collectors of ${report.checked.instances.join(', ')}` : ''} in ${report.duration_ms.toFixed(0)} ms`,
      );
      if (report.ok) console.log('✓ rollups, analytics API and collectors agree with the raw rows');
      for (const d of report.drifts) {
        console.log(
          `✗ ${d.source}${d.instance_id ? ` (${d.instance_id})` : ''} ${d.metric} at ${d.hour}: raw rows say ${d.expected}, it says ${d.actual}`,
        );
      }
    }
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await db.end();
  }
}

main().catch((err) => exitOnStartupError('verify-data', err));
