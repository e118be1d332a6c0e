import { setTimeout as sleep } from 'node:timers/promises';
import { cpuTicks } from '../lib/cpu';
import { userIds, WebhookLoad } from '../lib/load';
import type { Results } from '../lib/report';
import { progress } from '../lib/report';
import { startBenchSystem } from '../lib/system';

const USERS = userIds(100_000);

/** The offered load of the overhead case: the issue's reference rate, which both modes sustain. */
const OVERHEAD_RATE = 1_000;

/**
 * What monitoring costs: the CPU one message takes (bot, admin, PostgreSQL) with monitoring on
 * (collector, Prometheus, reports to the admin, an SSE client attached) against MONITORING=0, in
 * alternating runs of the same setup, at the same offered rate (OVERHEAD_RATE, open loop). The same
 * traffic in both modes makes the same write batches: at saturation a closed loop lets the slower
 * mode form smaller batches, so each message carries more of a commit, which the on/off difference
 * then counts as monitoring. A message counts when stored and answered (rows in the window).
 */
export async function benchMonitoringOverhead(databaseUrl: string, quick: boolean): Promise<Results> {
  const system = await startBenchSystem(databaseUrl);
  const bot = system.stack.bots[0]!;
  const runs = quick ? 2 : 5;
  const durationMs = quick ? 4_000 : 10_000;
  const rates: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const cpu: Record<'on' | 'off', { bot: number[]; admin: number[]; pg: number[] }> = {
    on: { bot: [], admin: [], pg: [] },
    off: { bot: [], admin: [], pg: [] },
  };
  const live: number[] = [];
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
      await load.openLoop(`${tag}w`, OVERHEAD_RATE, 2_000, () => {});
      const { rows: a } = await system.stack.db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
      const cpuA = await cpuTicks(system.stack.db, bot.process.pid, system.stack.admin?.pid);
      await load.openLoop(tag, OVERHEAD_RATE, durationMs, () => {});
      const { rows: b } = await system.stack.db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
      const cpuB = await cpuTicks(system.stack.db, bot.process.pid, system.stack.admin?.pid);
      await sleep(2_000);
      const { rows } = await system.stack.db.query<{ n: number }>(
        `SELECT count(*) AS n FROM conversations WHERE processed_at >= $1 AND processed_at < $2`,
        [a[0]!.t, b[0]!.t],
      );
      const n = rows[0]!.n;
      const rate = n / ((b[0]!.t.getTime() - a[0]!.t.getTime()) / 1000);
      if (r >= 0) {
        rates[mode].push(rate);
        if (cpuA && cpuB && n > 0)
          for (const k of ['bot', 'admin', 'pg'] as const) cpu[mode][k].push(((cpuB[k] - cpuA[k]) * 1e6) / n);
        if (mode === 'on') {
          const v = await liveOverheadSeconds(bot.url, system.stack.secrets.DEBUG_TOKEN);
          if (v !== undefined) live.push(v * 1e6);
        }
      }
      progress(
        `monitoring overhead: run ${r < 0 ? 'warm-up' : `${r + 1}/${runs * 2}`} (${mode}): ${Math.round(rate)} msg/s stored`,
      );
      sse?.abort();
      await load.close();
    }
    const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
    const on = median(rates.on);
    const off = median(rates.off);
    console.log(
      `\n  offered ${OVERHEAD_RATE.toLocaleString('en')} msg/s; stored, median of ${runs} runs each: on ${on.toFixed(0)}, ` +
        `off ${off.toFixed(0)} msg/s`,
    );
    if (Math.min(on, off) < OVERHEAD_RATE * 0.95)
      console.log(
        `  warning: a mode did not keep up with the offered rate; its CPU per message is that of a saturated system`,
      );
    if (cpu.on.bot.length === 0 || cpu.off.bot.length === 0) {
      console.log('  warning: no CPU figures (/proc not readable); monitoring_overhead_pct not measured');
      return {};
    }
    const f = (mode: 'on' | 'off') =>
      (['bot', 'admin', 'pg'] as const).map((k) => `${k} ${median(cpu[mode][k]).toFixed(0)}`).join(', ');
    const sum = (mode: 'on' | 'off') =>
      median(cpu[mode].bot) + median(cpu[mode].admin) + median(cpu[mode].pg);
    const costUs = sum('on') - sum('off');
    const runsOf = (mode: 'on' | 'off') =>
      cpu[mode].bot
        .map((_, i) => (cpu[mode].bot[i]! + cpu[mode].admin[i]! + cpu[mode].pg[i]!).toFixed(0))
        .join(' ');
    console.log(
      `  CPU µs per message, median (bot, admin, PostgreSQL server): on ${f('on')}; off ${f('off')}; ` +
        `monitoring costs ${costUs.toFixed(0)} µs of ${sum('off').toFixed(0)} ` +
        `(${((costUs / sum('off')) * 100).toFixed(1)} %), of which the bot ` +
        `${(median(cpu.on.bot) - median(cpu.off.bot)).toFixed(1)} µs and the admin ` +
        `${(median(cpu.on.admin) - median(cpu.off.admin)).toFixed(1)} µs; runs (µs, all three): on ${runsOf('on')}, ` +
        `off ${runsOf('off')}; the bot's live figure: ${live.length > 0 ? median(live).toFixed(1) : '?'} µs per message`,
    );
    // Noise can make it negative; it is reported as measured.
    return { monitoring_overhead_pct: (costUs / sum('off')) * 100 };
  } finally {
    await system.stop();
  }
}

/** The bot's own figure (issue #9): `botpulse_monitoring_overhead_seconds_per_message`. */
async function liveOverheadSeconds(botUrl: string, token: string): Promise<number | undefined> {
  const text = await (
    await fetch(`${botUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  ).text();
  const m = /^botpulse_monitoring_overhead_seconds_per_message(?:\{[^}]*\})? (\S+)$/m.exec(text);
  return m ? Number(m[1]) : undefined;
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
