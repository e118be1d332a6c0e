import type { BotMetrics, InstanceState } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { checkAccuracy } from '../../apps/admin/src/accuracy/accuracy-check';
import { AnalyticsService } from '../../apps/admin/src/analytics/analytics-service';
import { count } from './admin-support';
import { newPsid, postText, waitForConversations } from './helpers/bot';

const HOUR = 3_600_000;

// One event-time rule everywhere (docs/schema.md, "Event time"): late events keep their own time
// whatever the order, future ones are clamped to the receipt time (original kept, counted as skew),
// and the bot, the rows, the rollups and the accuracy check agree.
describe('late and future events', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ROLLUP_INTERVAL_MS: '500' } });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const rawUsersByHour = async (hourStartMs: number) =>
    count(
      stack,
      `SELECT count(DISTINCT facebook_id) AS n FROM conversations
        WHERE "timestamp" >= $1 AND "timestamp" < $2`,
      [new Date(hourStartMs), new Date(hourStartMs + HOUR)],
    );

  it('counts a user in the earlier hour when its message arrives after the later one', async () => {
    onTestFailed(() => console.log(stack.logs()));
    // An hour boundary that is settled for the accuracy check (over 2 minutes ago).
    const boundary = Math.floor((Date.now() - 5 * 60_000) / HOUR) * HOUR - HOUR;
    const psid = newPsid();
    const mids = [
      await postText(stack, psid, 'just after the hour', boundary + 100),
      await postText(stack, psid, 'just before the hour', boundary - 100),
    ];
    await waitForConversations(stack, mids);
    const hourBefore = new Date(boundary - HOUR).toISOString();
    const bot = await stack
      .waitFor(
        async () => {
          const m = await stack.debug<BotMetrics>('/debug/metrics');
          const h = m.hourly.find((p) => p.hour === hourBefore);
          return h && h.users === 1 ? m : undefined;
        },
        'the bot to count the user in the earlier hour',
        10_000,
      )
      .catch(() => stack.debug<BotMetrics>('/debug/metrics'));
    const botUsers = bot.hourly.find((p) => p.hour === hourBefore)?.users ?? 0;
    const sqlUsers = await rawUsersByHour(boundary - HOUR);
    console.log(
      `[figures] out of order across an hour: bot ${botUsers} user(s) in ${hourBefore}, rows ${sqlUsers}`,
    );
    expect(sqlUsers).toBe(1);
    expect(botUsers).toBe(1);
  }, 60_000);

  it('clamps future timestamps (+65 min, year 9999) to the receipt time, keeps the original, counts the skew', async () => {
    onTestFailed(() => console.log(stack.logs()));
    const psid = newPsid();
    const before = Date.now();
    const future = [before + 65 * 60_000, Date.UTC(9999, 0, 1)];
    const mids = [];
    for (const ts of future) mids.push(await postText(stack, psid, 'from the future', ts));
    const rows = await waitForConversations(stack, mids);
    const after = Date.now();
    const { rows: stored } = await stack.db.query<{ timestamp: Date; original_timestamp: Date | null }>(
      `SELECT "timestamp", original_timestamp FROM conversations WHERE mid = ANY ($1::text[]) ORDER BY id`,
      [mids],
    );
    console.log(
      `[figures] future events stored at ${stored.map((r) => r.timestamp.toISOString()).join(', ')} (originals ${stored.map((r) => r.original_timestamp?.toISOString()).join(', ')})`,
    );
    expect(rows).toHaveLength(2);
    for (const [i, r] of stored.entries()) {
      expect(r.timestamp.getTime()).toBeGreaterThanOrEqual(before - 1_000);
      expect(r.timestamp.getTime()).toBeLessThanOrEqual(after);
      expect(r.original_timestamp?.getTime()).toBe(future[i]);
    }
    const prom = await fetch(`${stack.bots[0]!.url}/metrics`, {
      headers: { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` },
    }).then((r) => r.text());
    expect(prom.split('\n').filter((l) => l.startsWith('botpulse_webhook_clock_skew_total'))).toEqual([
      `botpulse_webhook_clock_skew_total{instance_id="${stack.bots[0]!.instanceId}"} 2`,
    ]);
    // In every total and in the chart of now: the bot, the rows and the rollups agree.
    const sql = await count(stack, 'SELECT count(*) AS n FROM conversations');
    const metrics = await stack.debug<BotMetrics>('/debug/metrics');
    expect(metrics.messages.total).toBe(sql);
    expect(metrics.messages.last_24h).toBe(
      await count(
        stack,
        `SELECT count(*) AS n FROM conversations WHERE "timestamp" > now() - interval '24 hours'`,
      ),
    );
    await stack.waitFor(
      async () => (await count(stack, 'SELECT count(*) AS n FROM rollup_queue')) === 0,
      'the rollups folded',
    );
    const instance: InstanceState = {
      instance_id: metrics.instance_id,
      status: 'ok',
      connected: true,
      last_seen: metrics.timestamp,
      metrics,
      health: null,
    };
    const report = await checkAccuracy(stack.db, new AnalyticsService(stack.db), [instance]);
    expect(report.drifts).toEqual([]);
  }, 60_000);
});
