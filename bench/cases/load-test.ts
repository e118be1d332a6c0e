import { setTimeout as sleep } from 'node:timers/promises';
import { userIds, WebhookLoad } from '../lib/load';
import { progress } from '../lib/report';
import { startBenchSystem } from '../lib/system';

/**
 * The plan's load test (section 6.3): 1,000 messages a minute for 10 minutes (--quick: 2 minutes),
 * the bot's heap after a full GC at the start and at the end, and every message answered.
 * Printed, not part of results.json.
 */
export async function runLoadTest(databaseUrl: string, quick: boolean): Promise<void> {
  const system = await startBenchSystem(databaseUrl, { BOTPULSE_NODE_ARGS: '--expose-gc' });
  const bot = system.stack.bots[0]!;
  const load = new WebhookLoad(bot.url, system.stack.secrets.FB_APP_SECRET, userIds(2_000));
  const heap = async () => {
    const res = await fetch(`${bot.url}/debug/heap`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.stack.secrets.DEBUG_TOKEN}` },
    });
    return (await res.json()) as { heap_used_mb: number; rss_mb: number };
  };
  try {
    let live = 0;
    system.onMessage(() => live++);
    await load.closedLoop('warm', 4, 5_000, () => {});
    await sleep(2_000);
    const start = await heap();
    const minutes = quick ? 2 : 10;
    const samples: Array<{ minute: number; heap: number; rss: number }> = [];
    let acked = 0;
    for (let m = 0; m < minutes; m++) {
      await load.openLoop('plan', 1_000 / 60, 60_000, (s) => {
        if (s.status === 200) acked++;
      });
      const h = await heap();
      samples.push({ minute: m + 1, heap: h.heap_used_mb, rss: h.rss_mb });
      progress(
        `load test: minute ${m + 1}/${minutes}, heap after GC ${h.heap_used_mb.toFixed(1)} MB, rss ${h.rss_mb.toFixed(0)} MB`,
      );
    }
    await sleep(3_000);
    const end = await heap();
    console.log(
      `\n  plan load test: ${acked} messages acknowledged, ${live} received live by a dashboard client`,
    );
    console.log(
      `  bot heap after GC: ${start.heap_used_mb.toFixed(1)} MB at the start, ${end.heap_used_mb.toFixed(1)} MB at the end (${(end.heap_used_mb - start.heap_used_mb).toFixed(1)} MB)`,
    );
    console.log(`  per minute: ${samples.map((s) => s.heap.toFixed(1)).join(' · ')} MB`);
    // Issue #9's live figure: what the bot itself measures of its monitoring code, per message.
    const metrics = await (
      await fetch(`${bot.url}/metrics`, {
        headers: { authorization: `Bearer ${system.stack.secrets.DEBUG_TOKEN}` },
      })
    ).text();
    const overhead = /^botpulse_monitoring_overhead_seconds_per_message(?:\{[^}]*\})? (\S+)$/m.exec(metrics);
    console.log(
      `  monitoring overhead measured live by the bot: ${overhead ? (Number(overhead[1]) * 1e6).toFixed(1) : '?'} µs per message`,
    );
  } finally {
    await load.close();
    await system.stop();
  }
}
