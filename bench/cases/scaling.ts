import { setTimeout as sleep } from 'node:timers/promises';
import { userIds, WebhookLoad } from '../lib/load';
import { progress } from '../lib/report';
import { startBenchSystem } from '../lib/system';

/**
 * Issue #8's figure: throughput of two bot processes against one, on the same database, in one run.
 * The same closed-loop load (signed single-message webhooks) is spread over the bots; a message
 * counts when stored. Printed, not part of results.json.
 */
export async function runScaling(databaseUrl: string, quick: boolean): Promise<void> {
  const system = await startBenchSystem(databaseUrl);
  const durationMs = quick ? 5_000 : 20_000;
  const users = userIds(20_000);
  try {
    await system.stack.addBot('bot-2');
    const measure = async (bots: number, tag: string) => {
      const loads = system.stack.bots
        .slice(0, bots)
        .map((b) => new WebhookLoad(b.url, system.stack.secrets.FB_APP_SECRET, users));
      await Promise.all(loads.map((l) => l.closedLoop(`${tag}w`, 128 / bots, 2_000, () => {})));
      const { rows: a } = await system.stack.db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
      await Promise.all(loads.map((l) => l.closedLoop(tag, 128 / bots, durationMs, () => {})));
      const { rows: b } = await system.stack.db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
      await sleep(2_000);
      const { rows } = await system.stack.db.query<{ n: number }>(
        'SELECT count(*) AS n FROM conversations WHERE processed_at >= $1 AND processed_at < $2',
        [a[0]!.t, b[0]!.t],
      );
      await Promise.all(loads.map((l) => l.close()));
      const rate = rows[0]!.n / ((b[0]!.t.getTime() - a[0]!.t.getTime()) / 1000);
      progress(`scaling: ${bots} bot(s): ${Math.round(rate)} msg/s`);
      return rate;
    };
    // Alternate, so neither configuration gets a quieter machine.
    const one = [await measure(1, 's1a'), 0];
    const two = [await measure(2, 's2a'), 0];
    one[1] = await measure(1, 's1b');
    two[1] = await measure(2, 's2b');
    const r1 = (one[0]! + one[1]!) / 2;
    const r2 = (two[0]! + two[1]!) / 2;
    console.log(
      `\n  one bot: ${Math.round(r1)} msg/s, two bots: ${Math.round(r2)} msg/s, ratio ${(r2 / r1).toFixed(2)}× (same machine, same database)`,
    );
  } finally {
    await system.stop();
  }
}
