import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool, migrate } from '@botpulse/db';
import {
  commonEnvShape,
  exitOnStartupError,
  flag,
  GENERATED_SECRET_NAMES,
  parseEnv,
  port,
  resolveDatabaseUrl,
  withLocalSecrets,
} from '@botpulse/runtime';
import { z } from 'zod';
import { DEMO_REALISM, type FakeGemini, startFakeGemini } from './fakes/gemini';
import { type FakeGraphApi, startFakeGraphApi } from './fakes/graph-api';
import { generateHistory } from './history/generate';
import { systemTimeZone } from './simulator/rhythm';
import { runSimulation } from './simulator/run';
import { banner } from './supervisor/banner';
import { ManagedChild } from './supervisor/child';
import { buildDashboard, dashboardNeedsBuild } from './supervisor/dashboard-build';
import { probeDatabase, watchLiveness } from './supervisor/liveness';
import { createConsoleOutput } from './supervisor/output';
import { assertPortsFree } from './supervisor/ports';
import { redact, waitForDatabase, waitForHttp } from './supervisor/wait';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const HELP = `npm start — run the whole Botpulse system on this machine

Starts the database (embedded PGlite in DATA_DIR unless DATABASE_URL is set), the admin (dashboard
and API) and the bot, restarts any that dies, and stops them all on Ctrl+C.

Demo mode (on when FB_PAGE_ACCESS_TOKEN is not set, or DEMO=1; off with DEMO=0) seeds 30 days of
history once, serves a local fake Facebook Graph API and (unless GEMINI_API_KEY is set) a local fake
Gemini that reports believable token usage, and sends simulated users' messages.

Environment (all optional): DATABASE_URL, EMBEDDED_DB_PORT (5433), BOT_PORT (3000), ADMIN_PORT (4000),
HOST (127.0.0.1), DATA_DIR (./data), DEMO, DEMO_RATE (messages per minute, 20), DEMO_HISTORY_DAYS (30),
LOG_LEVEL, and every bot/admin variable (see README.md).`;

const startEnv = z.object({
  ...commonEnvShape,
  BOT_PORT: port(3000),
  ADMIN_PORT: port(4000),
  DEMO: flag().optional(),
  DEMO_RATE: z.coerce
    .number({ message: 'expected messages per minute' })
    .positive()
    .max(1_000_000)
    .default(20),
  DEMO_HISTORY_DAYS: z.coerce
    .number({ message: 'expected a number of days' })
    .int()
    .min(0)
    .max(3650)
    .default(30),
  FB_PAGE_ACCESS_TOKEN: z.string().optional(),
  NODE_ENV: z.string().optional(),
  ADMIN_USER: z.string().default('admin'),
});

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const env = parseEnv(startEnv);
  const out = createConsoleOutput();
  const { url: databaseUrl, embedded } = resolveDatabaseUrl(env);
  await assertPortsFree(env.HOST, [
    ...(embedded ? [{ name: 'EMBEDDED_DB_PORT', port: env.EMBEDDED_DB_PORT }] : []),
    { name: 'ADMIN_PORT', port: env.ADMIN_PORT },
    { name: 'BOT_PORT', port: env.BOT_PORT },
  ]);

  const demo = env.DEMO ?? !env.FB_PAGE_ACCESS_TOKEN;
  const production = env.NODE_ENV === 'production';
  const {
    env: withSecrets,
    generated,
    created,
  } = production
    ? { env: process.env, generated: [], created: false }
    : withLocalSecrets(process.env, env.DATA_DIR);
  const abort = new AbortController();
  const children: ManagedChild[] = [];
  let fakeGraph: FakeGraphApi | undefined;
  let fakeGemini: FakeGemini | undefined;
  let simulation: Promise<unknown> | undefined;

  let stoppingSince = 0;
  const shutdown = async (signal: string) => {
    // npm and tsx both relay one Ctrl+C; only a second press (a moment later) means "now".
    if (stoppingSince > 0) {
      if (Date.now() - stoppingSince < 2_000) return;
      out.say(`${signal} again: stopping now`);
      // The children are in their own process groups: the signal did not reach them.
      for (const c of children) c.kill();
      process.exit(1);
    }
    stoppingSince = Date.now();
    out.say(`\nStopping Botpulse (${signal})…`);
    abort.abort();
    await simulation?.catch(() => {});
    const [db, ...services] = children;
    await Promise.all(services.map((c) => c.stop()));
    await db?.stop();
    await fakeGraph?.stop();
    await fakeGemini?.stop();
    out.say('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The terminal closed: its hangup no longer reaches the children (own process groups).
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  const childEnv: NodeJS.ProcessEnv = { ...withSecrets, DATA_DIR: env.DATA_DIR, FORCE_COLOR: '0' };
  if (demo) {
    fakeGraph = await startFakeGraphApi({ pageAccessToken: 'demo-page-token', record: false });
    Object.assign(childEnv, {
      DEMO: '1',
      FB_PAGE_ACCESS_TOKEN: 'demo-page-token',
      GRAPH_API_URL: fakeGraph.url,
    });
    if (!withSecrets.GEMINI_API_KEY) {
      // Replies come from a local Gemini stand-in with real-looking usage, so the demo shows cost.
      fakeGemini = await startFakeGemini({ apiKey: 'demo-gemini-key', record: false, realism: DEMO_REALISM });
      fakeGemini.setLatency(350);
      Object.assign(childEnv, { GEMINI_API_KEY: 'demo-gemini-key', GEMINI_BASE_URL: fakeGemini.url });
    }
  } else {
    childEnv.DEMO = '0';
  }

  let liveness: ReturnType<typeof watchLiveness> | undefined;
  let dbReady = false;
  const events = {
    line: (name: string, line: string) => {
      // the embedded database has applied its migrations: from now on a silence is a hang
      if (name === 'db' && line.includes('embedded database ready')) {
        dbReady = true;
        liveness?.ready();
      }
      out.line(name, line);
    },
    started: (name: string, pid: number) => {
      if (name === 'db') {
        dbReady = false;
        liveness?.restarted();
      }
      out.say(`▸ ${name} started (pid ${pid})`);
    },
    exited: (name: string, code: number | null, signal: string | null, restartInMs: number | null) => {
      if (restartInMs === null) return;
      out.say(
        `✗ ${name} exited (${signal ?? `code ${code}`}); restarting in ${Math.round(restartInMs / 1000)} s`,
      );
    },
  };
  const child = (name: string, script: string) =>
    new ManagedChild({ name, script: join(ROOT, script), env: childEnv, cwd: ROOT }, events);

  if (dashboardNeedsBuild(ROOT)) {
    out.say('Building the dashboard (first start only, ~20 s)…');
    await buildDashboard(ROOT, (l) => out.line('build', l));
  }

  if (embedded) {
    const db = child('db', 'tools/src/db.ts');
    children.push(db);
    db.start();
    await waitForDatabase(databaseUrl, 60_000, abort.signal);
    // Exit detection misses a database that is alive but stuck: `SELECT 1` every 5 s, 5 s each,
    // and three misses in a row (~15–20 s) kill it; the restart brings it back. Misses count once
    // it answered a probe or said "ready" (its migrations applied: an index built on a large
    // history may keep it busy for a while), or after 10 min of neither.
    liveness = watchLiveness(
      () => probeDatabase(databaseUrl, 5_000),
      (reason) => {
        out.say(`✗ db stopped answering (${reason}); killing it`);
        db.killHung();
      },
      { intervalMs: 5_000, misses: 3, answering: dbReady, startGraceMs: 10 * 60_000 },
    );
    abort.signal.addEventListener('abort', () => liveness?.stop());
  } else {
    out.say(`Using the PostgreSQL server at ${redact(databaseUrl)}`);
    await migrate(databaseUrl);
  }

  if (demo && env.DEMO_HISTORY_DAYS > 0) await seedHistoryOnce(databaseUrl, env.DEMO_HISTORY_DAYS, out.say);

  const admin = child('admin', 'apps/admin/src/main.ts');
  const bot = child('bot', 'apps/bot/src/main.ts');
  children.push(admin, bot);
  admin.start();
  bot.start();
  const adminUrl = `http://${env.HOST}:${env.ADMIN_PORT}`;
  const botUrl = `http://${env.HOST}:${env.BOT_PORT}`;
  await Promise.all([
    waitForHttp(`${adminUrl}/api/auth/me`, 120_000, abort.signal),
    waitForHttp(`${botUrl}/webhook`, 120_000, abort.signal),
  ]);

  const shown = Object.fromEntries(
    generated.filter((n) => GENERATED_SECRET_NAMES.includes(n)).map((n) => [n, withSecrets[n]!]),
  );
  out.say(
    banner({
      adminUrl,
      botUrl,
      database: embedded
        ? `embedded PGlite in ${join(env.DATA_DIR, 'pglite')} (port ${env.EMBEDDED_DB_PORT})`
        : redact(databaseUrl),
      demo,
      adminUser: env.ADMIN_USER,
      generated: created || generated.length > 0 ? shown : {},
      secretsFile: join(env.DATA_DIR, 'secrets.json'),
    }),
  );

  if (demo) {
    simulation = keepSimulating(botUrl, withSecrets.FB_APP_SECRET!, env.DEMO_RATE, abort.signal, out.say);
  }
}

/** 30 days of believable history, once: only into an empty database. */
async function seedHistoryOnce(url: string, days: number, say: (s: string) => void) {
  const db = createPool(url, { max: 2 });
  try {
    const { rows } = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM conversations) AS any');
    if (rows[0]!.any) return;
    say(`Demo: generating ${days} days of history…`);
    const result = await generateHistory(db, {
      days,
      perDay: 1_500,
      users: 1_200,
      seed: 'demo',
      tz: systemTimeZone(),
      endMs: Date.now() - 5 * 60_000,
      batchSize: 10_000,
      instanceId: 'history',
    });
    say(
      `Demo: ${result.messages.toLocaleString('en')} past messages from ${result.users.toLocaleString('en')} users in ${(result.ms / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.end();
  }
}

/** Live simulated users for as long as the system runs; restarted if it stops on an error. */
async function keepSimulating(
  url: string,
  secret: string,
  rate: number,
  signal: AbortSignal,
  say: (s: string) => void,
) {
  while (!signal.aborted) {
    try {
      await runSimulation(
        {
          url,
          secret,
          mode: 'demo',
          ratePerMinute: rate,
          durationMs: 0,
          users: 1_200,
          seed: 'demo',
          waitForBotMs: 60_000,
        },
        { signal },
      );
    } catch (err) {
      if (signal.aborted) return;
      say(`Demo traffic stopped: ${(err as Error).message}; retrying in 10 s`);
      await new Promise((r) => setTimeout(r, 10_000));
    }
  }
}

main().catch((err) => exitOnStartupError('start', err));
