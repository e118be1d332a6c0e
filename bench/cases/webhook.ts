import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '@botpulse/db';
import { cpuTicks } from '../lib/cpu';
import { type SentMessage, userIds, WebhookLoad } from '../lib/load';
import type { Results } from '../lib/report';
import { progress } from '../lib/report';
import { PerSecond, p } from '../lib/stats';
import { startBenchSystem } from '../lib/system';
import { pgInsertCeilingTps } from './ceiling';

const USERS = userIds(100_000);

/**
 * Sustained throughput: senders back to back, one user message per signed POST, for 30 s after a
 * warm-up; a message counts once a dashboard socket client has received it as `message:new`, which
 * happens only after it was stored, answered through the (fake) Send API, recorded and emitted.
 * Around it, in the same database while no service runs (before they start and after they stop),
 * PostgreSQL's own ceiling for single-row inserts (pgbench), and the throughput as a fraction of
 * their mean.
 */
export async function benchThroughput(databaseUrl: string, quick: boolean): Promise<Results> {
  // The ceiling moves with the machine (7,300–11,400 tps within one hour here): measured just
  // before and just after the webhook run, and their mean is the baseline.
  const before = await pgInsertCeilingTps(databaseUrl, quick);
  const results = await measureThroughput(databaseUrl, quick);
  const after = await pgInsertCeilingTps(databaseUrl, quick);
  if (before === undefined || after === undefined) return results;
  const ceiling = (before + after) / 2;
  console.log(
    `  pgbench ceiling: ${Math.round(before).toLocaleString('en')} tps before, ` +
      `${Math.round(after).toLocaleString('en')} tps after the webhook run`,
  );
  return {
    ...results,
    pg_insert_ceiling_tps: ceiling,
    webhook_vs_pg_ceiling_ratio: results.webhook_msgs_per_s! / ceiling,
  };
}

async function measureThroughput(databaseUrl: string, quick: boolean): Promise<Results> {
  const system = await startBenchSystem(databaseUrl);
  const load = new WebhookLoad(system.stack.bots[0]!.url, system.stack.secrets.FB_APP_SECRET, USERS);
  try {
    const durationMs = quick ? 5_000 : 30_000;
    let windowStart = Number.POSITIVE_INFINITY;
    let windowEnd = Number.POSITIVE_INFINITY;
    let processed = 0;
    system.onMessage((m, at) => {
      if (m.message_text.startsWith('tput ') && at >= windowStart && at < windowEnd) processed++;
    });
    progress('webhook throughput: warming up');
    await load.closedLoop('warm', 128, quick ? 2_000 : 5_000, () => {});
    await sleep(1_000);
    const commitsBefore = await commits(system.stack.db);
    const cpuA = await cpuTicks(system.stack.db, system.stack.bots[0]!.process.pid, system.stack.admin?.pid);
    const benchA = process.cpuUsage();
    windowStart = performance.now();
    windowEnd = windowStart + durationMs;
    let acked = 0;
    const timer = setInterval(
      () =>
        progress(
          `webhook throughput: ${acked.toLocaleString('en')} acked, ${processed.toLocaleString('en')} fully processed`,
        ),
      1000,
    );
    await load.closedLoop('tput', 128, durationMs, (m: SentMessage) => {
      if (m.status === 200) acked++;
    });
    clearInterval(timer);
    await sleep(Math.max(0, windowEnd - performance.now()));
    const wallS = (performance.now() - windowStart) / 1000;
    const benchCpu = process.cpuUsage(benchA);
    const cpuB = await cpuTicks(system.stack.db, system.stack.bots[0]!.process.pid, system.stack.admin?.pid);
    if (cpuA && cpuB) console.log(`\n  ${cpuShares(cpuA, cpuB, benchCpu, wallS)}`);
    // Group commit at work: how many transactions (all of them: inbox, context reads, conversation
    // batches, the admin's queries) one message cost. The statistics lag by up to a second.
    await sleep(1_000);
    const committed = (await commits(system.stack.db)) - commitsBefore;
    console.log(
      `\n  ${committed.toLocaleString('en')} commits for ${processed.toLocaleString('en')} messages: ` +
        `${(committed / Math.max(1, processed)).toFixed(2)} per message`,
    );
    return { webhook_msgs_per_s: processed / (durationMs / 1000) };
  } finally {
    await load.close();
    await system.stop();
  }
}

/**
 * At an offered 1,000 msg/s (open loop) for 30 s: the webhook's acknowledgement p99, and the live
 * latency p99 from sending the webhook to a dashboard socket client receiving `message:new`.
 */
export async function benchAckAndLiveLatency(databaseUrl: string, quick: boolean): Promise<Results> {
  const system = await startBenchSystem(databaseUrl);
  const load = new WebhookLoad(system.stack.bots[0]!.url, system.stack.secrets.FB_APP_SECRET, USERS);
  try {
    const sentAt = new Map<string, number>();
    const live: number[] = [];
    // by the second it was sent in (counted from the measured run's start)
    const livePerSecond = new PerSecond();
    let liveFrom: number | undefined;
    system.onMessage((m, at) => {
      const t = sentAt.get(m.message_text);
      if (t === undefined) return;
      live.push(at - t);
      if (liveFrom !== undefined) livePerSecond.add(Math.floor((t - liveFrom) / 1000), at - t);
    });
    await load.closedLoop('warm', 32, 2_000, () => {});
    // Then the measured rate itself, not counted: going from 32 requests in flight to 1,000 msg/s
    // opens the rest of the pools' connections (a new PostgreSQL backend's first queries fill its
    // caches) and reaches code V8 has not optimised yet; those first seconds' p99 was 270–3,200 ms
    // and then 25–60 ms. The steady state is what the target is about.
    await load.openLoop('warm-rate', 1_000, quick ? 1_000 : 3_000, () => {});
    const acks: number[] = [];
    const durationMs = quick ? 5_000 : 30_000;
    let errors = 0;
    const timer = setInterval(
      () =>
        progress(
          `ack/live latency at 1,000 msg/s: ${acks.length.toLocaleString('en')} acked, ${live.length.toLocaleString('en')} received live`,
        ),
      1000,
    );
    load.onSend = (text, at) => sentAt.set(text, at);
    // Where the time goes (the profile of a missed target): each process's CPU over the run
    // against the machine's cores, the ack p99 per second (a queue building up or spikes), and
    // how late the load generator itself sent.
    const startedAt = performance.now();
    liveFrom = startedAt;
    const cpuA = await cpuTicks(system.stack.db, system.stack.bots[0]!.process.pid, system.stack.admin?.pid);
    const benchA = process.cpuUsage();
    const perSecond = new PerSecond();
    const lateMs = await load.openLoop('live', 1_000, durationMs, (m) => {
      if (m.status !== 200) errors++;
      else {
        acks.push(m.ackMs);
        perSecond.add(Math.floor((m.sentAt - startedAt) / 1000), m.ackMs);
      }
    });
    const wallS = (performance.now() - startedAt) / 1000;
    const benchCpu = process.cpuUsage(benchA);
    const cpuB = await cpuTicks(system.stack.db, system.stack.bots[0]!.process.pid, system.stack.admin?.pid);
    clearInterval(timer);
    if (cpuA && cpuB) {
      console.log(
        `\n  ${cpuShares(cpuA, cpuB, benchCpu, wallS)}; generator at most ${lateMs.toFixed(0)} ms late`,
      );
    }
    console.log(
      `  ack ms p50 ${p(acks, 50).toFixed(1)}, p90 ${p(acks, 90).toFixed(1)}, p99 ${p(acks, 99).toFixed(1)}; ` +
        `ack p99 per second: ${perSecond.format(99)}`,
    );
    // Every message must arrive; wait for the stragglers before taking the p99.
    const expected = acks.length;
    const deadline = performance.now() + 10_000;
    while (live.length < expected && performance.now() < deadline) await sleep(100);
    if (errors > 0) console.log(`\n  warning: ${errors} webhook POSTs were not acknowledged with 200`);
    if (live.length < expected)
      console.log(
        `\n  warning: only ${live.length} of ${expected} messages reached the dashboard within 10 s`,
      );
    console.log(
      `  live ms p50 ${p(live, 50).toFixed(1)}, p90 ${p(live, 90).toFixed(1)}, p99 ${p(live, 99).toFixed(1)}; ` +
        `live p99 per second: ${livePerSecond.format(99)}`,
    );
    return { webhook_ack_p99_ms: p(acks, 99), live_latency_p99_ms: p(live, 99) };
  } finally {
    await load.close();
    await system.stop();
  }
}

type Ticks = NonNullable<Awaited<ReturnType<typeof cpuTicks>>>;

/** Each process's CPU between two readings, in cores: where a saturated run's time went. */
function cpuShares(a: Ticks, b: Ticks, benchCpu: NodeJS.CpuUsage, wallS: number): string {
  const share = (k: keyof Ticks) => (b[k] - a[k]) / wallS;
  const bench = (benchCpu.user + benchCpu.system) / 1e6 / wallS;
  const total = share('bot') + share('admin') + share('pg') + bench;
  return (
    `CPU during the run, in cores (of ${cpus().length}): bot ${share('bot').toFixed(2)}, admin ${share('admin').toFixed(2)}, ` +
    `PostgreSQL ${share('pg').toFixed(2)}, load generator ${bench.toFixed(2)}; total ${total.toFixed(2)}`
  );
}

/** Transactions committed in this database so far (pg_stat_database). */
async function commits(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT xact_commit::float8 AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return rows[0]!.n;
}
