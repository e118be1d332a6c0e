import { setTimeout as sleep } from 'node:timers/promises';
import { type SentMessage, userIds, WebhookLoad } from '../lib/load';
import type { Results } from '../lib/report';
import { progress } from '../lib/report';
import { p } from '../lib/stats';
import { startBenchSystem } from '../lib/system';
import { pgInsertCeilingTps } from './ceiling';

const USERS = userIds(100_000);

/**
 * Sustained throughput: senders back to back, one user message per signed POST, for 30 s after a
 * warm-up; a message counts once a dashboard socket client has received it as `message:new`, which
 * happens only after it was stored, answered through the (fake) Send API, recorded and emitted.
 * Then, in the same database once the services are stopped, PostgreSQL's own ceiling for
 * single-row inserts (pgbench), and the throughput as a fraction of it.
 */
export async function benchThroughput(databaseUrl: string, quick: boolean): Promise<Results> {
  const results = await measureThroughput(databaseUrl, quick);
  const ceiling = await pgInsertCeilingTps(databaseUrl, quick);
  if (ceiling === undefined) return results;
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
    system.onMessage((m, at) => {
      const t = sentAt.get(m.message_text);
      if (t !== undefined) live.push(at - t);
    });
    await load.closedLoop('warm', 32, 2_000, () => {});
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
    await load.openLoop('live', 1_000, durationMs, (m) => {
      if (m.status !== 200) errors++;
      else acks.push(m.ackMs);
    });
    clearInterval(timer);
    // Every message must arrive; wait for the stragglers before taking the p99.
    const expected = acks.length;
    const deadline = performance.now() + 10_000;
    while (live.length < expected && performance.now() < deadline) await sleep(100);
    if (errors > 0) console.log(`\n  warning: ${errors} webhook POSTs were not acknowledged with 200`);
    if (live.length < expected)
      console.log(
        `\n  warning: only ${live.length} of ${expected} messages reached the dashboard within 10 s`,
      );
    return { webhook_ack_p99_ms: p(acks, 99), live_latency_p99_ms: p(live, 99) };
  } finally {
    await load.close();
    await system.stop();
  }
}

/**
 * What monitoring costs: throughput with monitoring on (collector, Prometheus, emits to the admin,
 * an SSE client attached) against MONITORING=0, in alternating runs of the same bot process setup.
 * A message counts when stored and answered (rows in the window), the same for both.
 */
export async function benchMonitoringOverhead(databaseUrl: string, quick: boolean): Promise<Results> {
  const system = await startBenchSystem(databaseUrl);
  const bot = system.stack.bots[0]!;
  const runs = quick ? 2 : 5;
  const durationMs = quick ? 4_000 : 10_000;
  const rates: Record<'on' | 'off', number[]> = { on: [], off: [] };
  try {
    // Run -1 is a warm-up (new users, cold caches, JIT) and is not counted; then on/off alternate.
    for (let r = -1; r < runs * 2; r++) {
      const mode = r % 2 === 0 || r < 0 ? 'on' : 'off';
      await bot.process.stop();
      bot.process.env = { ...bot.process.env, MONITORING: mode === 'on' ? '1' : '0' };
      await system.stack.restartBot(bot);
      const sse = mode === 'on' ? await attachSse(bot.url, system.stack.secrets.DEBUG_TOKEN) : undefined;
      const load = new WebhookLoad(bot.url, system.stack.secrets.FB_APP_SECRET, USERS);
      const tag = `ovh${r + 1}`;
      await load.closedLoop(`${tag}w`, 128, 1_500, () => {});
      const { rows: a } = await system.stack.db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
      await load.closedLoop(tag, 128, durationMs, () => {});
      const { rows: b } = await system.stack.db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
      await sleep(2_000);
      const { rows } = await system.stack.db.query<{ n: number }>(
        `SELECT count(*) AS n FROM conversations WHERE processed_at >= $1 AND processed_at < $2`,
        [a[0]!.t, b[0]!.t],
      );
      const rate = rows[0]!.n / ((b[0]!.t.getTime() - a[0]!.t.getTime()) / 1000);
      if (r >= 0) rates[mode].push(rate);
      progress(
        `monitoring overhead: run ${r < 0 ? 'warm-up' : `${r + 1}/${runs * 2}`} (${mode}): ${Math.round(rate)} msg/s`,
      );
      sse?.abort();
      await load.close();
    }
    const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
    const on = median(rates.on);
    const off = median(rates.off);
    // Noise can make it negative; it is reported as measured.
    return { monitoring_overhead_pct: ((off - on) / off) * 100 };
  } finally {
    await system.stop();
  }
}

/** An SSE client reading /debug/message-stream until aborted. */
async function attachSse(botUrl: string, token: string): Promise<AbortController> {
  const abort = new AbortController();
  const res = await fetch(`${botUrl}/debug/message-stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  const reader = res.body!.getReader();
  void (async () => {
    try {
      while (!(await reader.read()).done) {
        // drain
      }
    } catch {
      // aborted
    }
  })();
  return abort;
}
