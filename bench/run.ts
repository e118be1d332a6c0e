import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { exitOnStartupError } from '@botpulse/runtime';
import { ROOT } from '@botpulse/tools/testing';
import { parseScaleSizes, runAnalyticsScale } from './cases/analytics-scale';
import { benchCollector } from './cases/collector';
import { benchDashboard } from './cases/dashboard';
import { benchExplorer } from './cases/explorer';
import { benchImport } from './cases/import';
import { runLoadTest } from './cases/load-test';
import { benchBotMemory } from './cases/memory';
import { benchMonitoringOverhead } from './cases/overhead';
import { runScaling } from './cases/scaling';
import { benchTimeline } from './cases/timeline';
import { benchAckAndLiveLatency, benchThroughput } from './cases/webhook';
import { waitForQuietDatabase } from './lib/quiet';
import { endProgress, type ResultKey, type Results, TARGETS, table } from './lib/report';

const HELP = `npm run bench [-- options]   Botpulse's benchmark suite (issue #6)

Every benchmark runs against a real PostgreSQL server (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres), each in a fresh database that is dropped afterwards.
Prints a table and writes bench/results.json (numbers only).

  --quick          small sizes (what CI runs so the benchmarks never rot; figures not judged)
  --only <names>   comma-separated: collector, throughput, latency, overhead, memory, timeline, dashboard,
                   explorer, import
  --scaling        only issue #8's figure: throughput of two bot processes vs one, same database
  --scale          only issue #19's cost curve: the analytics endpoints (90 days + previous period, New
                   York, HTTP) at 1M, 10M and 50M rows (--quick: 50k, 200k), p95 per size and the
                   largest/smallest ratio; --sizes 1m,5m sets the sizes. Stops (exit 1) before a
                   size the database's disk cannot hold (50M messages take about 50 GB)
  --load-test      only the plan's load test: 1,000 messages/minute for 10 minutes (--quick: 2),
                   the bot's heap after GC at the start and the end
  --keep           keep each benchmark's database (its URL is printed) to profile it afterwards;
                   drop them yourself (DROP DATABASE botpulse_bench_…)
  -h, --help`;

const CASES = {
  collector: (_url: string, quick: boolean) => benchCollector(quick),
  throughput: benchThroughput,
  latency: benchAckAndLiveLatency,
  overhead: benchMonitoringOverhead,
  memory: benchBotMemory,
  timeline: benchTimeline,
  dashboard: benchDashboard,
  explorer: benchExplorer,
  import: benchImport,
} satisfies Record<string, (databaseUrl: string, quick: boolean) => Promise<Results>>;
type CaseName = keyof typeof CASES;

/**
 * The benchmark databases now open, and whether to keep them. Ctrl+C drops them, as a finished run
 * does: a `--scale` run holds tens of GB an hour in.
 */
const opened = new Set<TestDatabase>();
let keepDatabases = false;
/** set by Ctrl+C: no further case runs and no results are written while the databases are dropped */
let interrupted = false;

async function openDatabase(serverUrl: string): Promise<TestDatabase> {
  const db = await createTestDatabase({ serverUrl, prefix: 'botpulse_bench' });
  opened.add(db);
  return db;
}

async function closeDatabase(db: TestDatabase): Promise<void> {
  opened.delete(db);
  if (keepDatabases) console.log(`  kept the database: ${db.url}`);
  else await db.drop();
}

function onInterrupt(signal: NodeJS.Signals): void {
  interrupted = true;
  console.log(`\n${signal}: stopping the benchmark`);
  // The services it started are killed on exit (ServiceProcess); DROP … WITH (FORCE) ends their sessions.
  Promise.allSettled([...opened].map(closeDatabase)).finally(() => process.exit(130));
}

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      'load-test': { type: 'boolean' },
      scaling: { type: 'boolean' },
      scale: { type: 'boolean' },
      sizes: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const quick = values.quick ?? false;
  keepDatabases = values.keep ?? false;
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  const names = (values.only?.split(',').map((s) => s.trim()) ?? Object.keys(CASES)) as CaseName[];
  for (const n of names)
    if (!(n in CASES)) throw new Error(`--only: unknown benchmark "${n}" (${Object.keys(CASES).join(', ')})`);
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (values['load-test'] || values.scaling || values.scale) {
    const sizes = parseScaleSizes(values.sizes ?? (quick ? '50k,200k' : '1m,10m,50m'));
    const db = await openDatabase(serverUrl);
    try {
      if (values.scale) {
        // a curve stopped short (the disk cannot hold the next size) fails the run
        if (!(await runAnalyticsScale(db.url, sizes, quick))) process.exitCode = 1;
      } else if (values.scaling) await runScaling(db.url, quick);
      else await runLoadTest(db.url, quick);
    } finally {
      await closeDatabase(db);
    }
    process.exit(process.exitCode ?? 0);
  }
  console.log(`Botpulse benchmarks${quick ? ' (--quick: small sizes, figures not judged)' : ''}`);
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );

  const results: Results = {};
  const notes: Partial<Record<ResultKey, string>> = {};
  for (const name of names) {
    if (interrupted) return;
    // The previous case's writes (checkpoint, autovacuum of a 10M load) must not tax this one.
    // (--quick, as in CI: a short wait; its figures are not judged and the run must stay short)
    await waitForQuietDatabase(serverUrl, quick ? 15_000 : 120_000);
    const started = performance.now();
    console.log(`▸ ${name}`);
    const db = await openDatabase(serverUrl);
    try {
      Object.assign(results, await CASES[name](db.url, quick));
    } catch (err) {
      endProgress();
      console.log(`  ✗ ${name} failed: ${(err as Error).message.split('\n').slice(0, 6).join('\n    ')}`);
      process.exitCode = 1;
    } finally {
      await closeDatabase(db).catch(() => {});
    }
    endProgress();
    console.log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }

  if (interrupted) return;
  console.log(`\n${table(results, notes)}\n`);
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('Written to bench/results.json');
  if (!quick) {
    const missed = (Object.keys(results) as ResultKey[]).filter((k) => !TARGETS[k].ok(results[k]!));
    if (missed.length > 0) console.log(`Below target: ${missed.join(', ')}`);
  }
  // Keep-alive pools and sockets of the cases must not keep the process up.
  process.exit(process.exitCode ?? 0);
}

main().catch((err) => exitOnStartupError('bench', err));
