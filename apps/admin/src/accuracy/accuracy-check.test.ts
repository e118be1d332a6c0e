import { createPool, type Db, foldRollupQueue } from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import type { BotMetrics, InstanceState } from '@botpulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsService } from '../analytics/analytics-service';
import { checkAccuracy } from './accuracy-check';

const HOUR = 3_600_000;

describe('accuracy check', () => {
  let tdb: TestDatabase;
  let db: Db;
  let analytics: AnalyticsService;
  const now = Date.now();
  const thisHour = Math.floor(now / HOUR) * HOUR;
  // 3 users × a few messages in each of the 30 hours before this one (inside today + yesterday).
  const msgs: Array<{ user: string; ts: number }> = [];
  for (let h = 1; h <= 30; h++) {
    for (let i = 0; i < (h % 4) + 1; i++)
      msgs.push({ user: `u${(h + i) % 3}`, ts: thisHour - h * HOUR + i * 60_000 + 1_000 });
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = createPool(tdb.url);
    analytics = new AnalyticsService(db);
    await db.query(
      `INSERT INTO users (facebook_id, first_seen, last_interaction) SELECT u, now(), now() FROM unnest($1::text[]) u`,
      [['u0', 'u1', 'u2']],
    );
    await db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at, response_time_ms, status, instance_id)
       SELECT 'm' || n, u, 'text', 'hi', to_timestamp(t / 1000.0), to_timestamp(t / 1000.0), 100, 'replied', 'bot-1'
         FROM unnest($1::text[], $2::float8[]) WITH ORDINALITY AS x(u, t, n)`,
      [msgs.map((m) => m.user), msgs.map((m) => m.ts)],
    );
    // Every other reply came from Gemini, with its tokens and cost.
    await db.query(
      `UPDATE conversations SET model = 'gemini-2.5-flash', input_tokens = 40, output_tokens = 12,
              reasoning_tokens = 3, cost_usd = 0.000021
        WHERE substr(mid, 2)::int % 2 = 0`,
    );
    // Half folded, half still queued: both must count.
    await foldRollupQueue(db, Math.floor(msgs.length / 2), true);
  });
  afterAll(async () => {
    await db.end();
    await tdb.drop();
  });

  function collector(hourly: BotMetrics['hourly']): InstanceState {
    const metrics = { instance_id: 'bot-1', timestamp: new Date(now).toISOString(), hourly } as BotMetrics;
    return {
      instance_id: 'bot-1',
      status: 'ok',
      connected: true,
      last_seen: metrics.timestamp,
      metrics,
      health: null,
    };
  }

  function truthfulHourly(): BotMetrics['hourly'] {
    const out: BotMetrics['hourly'] = [];
    for (let h = 23; h >= 0; h--) {
      const start = thisHour - h * HOUR;
      const inHour = msgs.filter((m) => m.ts >= start && m.ts < start + HOUR);
      out.push({
        hour: new Date(start).toISOString(),
        messages: inHour.length,
        users: new Set(inHour.map((m) => m.user)).size,
        avg_response_time: 100,
        failed: 0,
      });
    }
    return out;
  }

  it('is silent when rollups, analytics and the collector agree with the raw rows', async () => {
    const report = await checkAccuracy(db, analytics, [collector(truthfulHourly())], now);
    expect(report.drifts).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checked.instances).toEqual(['bot-1']);
    expect(report.checked.hours).toBeGreaterThanOrEqual(24);
  });

  it('reports a rollup corrupted on purpose, with the numbers', async () => {
    const victim = new Date(thisHour - 5 * HOUR);
    await foldRollupQueue(db, 10_000, true);
    await db.query(`UPDATE rollup_slots SET messages = messages + 7 WHERE slot = $1`, [victim]);
    const report = await checkAccuracy(db, analytics, [], now);
    const expected = msgs.filter((m) => m.ts >= victim.getTime() && m.ts < victim.getTime() + HOUR).length;
    expect(report.ok).toBe(false);
    expect(report.drifts).toContainEqual({
      source: 'rollup',
      hour: victim.toISOString().replace('.000Z', 'Z'),
      metric: 'messages',
      expected,
      actual: expected + 7,
    });
    // The analytics API reads the same slots, so it reports the drift too.
    expect(report.drifts.some((d) => d.source === 'analytics' && d.metric === 'messages')).toBe(true);
    await db.query(`UPDATE rollup_slots SET messages = messages - 7 WHERE slot = $1`, [victim]);
  });

  it('compares the analytics API hour by hour over both days, asked a few hours at a time', async () => {
    // Every slot off by one: each settled hour with messages drifts once in the API's answer, none
    // lost or repeated where one request's hours end and the next one's begin.
    await foldRollupQueue(db, 10_000, true);
    await db.query('UPDATE rollup_slots SET messages = messages + 1');
    const report = await checkAccuracy(db, analytics, [], now, { paced: tdb.kind === 'postgres' });
    await db.query('UPDATE rollup_slots SET messages = messages - 1');
    const from = Math.floor(now / 86_400_000) * 86_400_000 - 86_400_000;
    const settled = Math.floor((now - 2 * 60_000) / HOUR) * HOUR;
    const want = new Set(
      msgs.filter((m) => m.ts >= from && m.ts < settled).map((m) => Math.floor(m.ts / HOUR) * HOUR),
    );
    const got = report.drifts
      .filter((d) => d.source === 'analytics' && d.metric === 'messages')
      .map((d) => Date.parse(d.hour));
    expect(want.size).toBeGreaterThan(12);
    expect(got.sort((a, b) => a - b)).toEqual([...want].sort((a, b) => a - b));
  });

  it("asks the analytics service for the timeline's buckets, the same as the API's timeline", async () => {
    const q = {
      tz: 'UTC',
      granularity: 'hour',
      from: new Date(thisHour - 12 * HOUR).toISOString(),
      to: new Date(thisHour - 6 * HOUR).toISOString(),
    };
    const buckets = await analytics.timelineBuckets(q);
    expect(buckets).toHaveLength(6);
    expect(buckets.some((b) => b.messages > 0 && b.users > 0)).toBe(true);
    expect(buckets).toEqual((await analytics.timeline(q)).buckets);
  });

  it('reports a corrupted daily-users rollup and a collector that counted wrong', async () => {
    // the UTC day of the newest messages (today, or yesterday in the first hour of a UTC day, when
    // today has no rows and so no day rollup to corrupt)
    const day = new Date(Math.floor((thisHour - HOUR) / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
    await db.query(
      `UPDATE rollup_period_totals SET users = users + 1 WHERE tz = 'UTC' AND grain = 'd' AND period = $1`,
      [day],
    );
    const hourly = truthfulHourly();
    hourly[20]!.messages += 1;
    const report = await checkAccuracy(db, analytics, [collector(hourly)], now);
    expect(
      report.drifts.some(
        (d) => d.source === 'rollup' && d.metric === 'users' && d.hour === `${day}T00:00:00Z`,
      ),
    ).toBe(true);
    expect(report.drifts).toContainEqual(
      expect.objectContaining({
        source: 'collector',
        instance_id: 'bot-1',
        hour: hourly[20]!.hour.replace('.000Z', 'Z'),
        metric: 'messages',
      }),
    );
    await db.query(
      `UPDATE rollup_period_totals SET users = users - 1 WHERE tz = 'UTC' AND grain = 'd' AND period = $1`,
      [day],
    );
  });

  it('reports Gemini tokens and cost that the rollup lost, hour by hour', async () => {
    await foldRollupQueue(db, 10_000, true);
    const { rows } = await db.query<{ slot: Date }>(
      `SELECT slot FROM rollup_gen_ai_slots WHERE input_tokens > 0 ORDER BY slot DESC LIMIT 1`,
    );
    const slot = rows[0]!.slot;
    await db.query(`UPDATE rollup_gen_ai_slots SET input_tokens = input_tokens - 40 WHERE slot = $1`, [slot]);
    const report = await checkAccuracy(db, analytics, [], now);
    const hourStart = Math.floor(slot.getTime() / HOUR) * HOUR;
    const replies = msgs
      .map((m, i) => ({ ...m, n: i + 1 }))
      .filter((m) => m.n % 2 === 0 && m.ts >= hourStart && m.ts < hourStart + HOUR).length;
    expect(report.drifts).toEqual([
      {
        source: 'rollup',
        hour: new Date(hourStart).toISOString().replace('.000Z', 'Z'),
        metric: 'input_tokens',
        expected: replies * 40,
        actual: replies * 40 - 40,
      },
    ]);
    await db.query(`UPDATE rollup_gen_ai_slots SET input_tokens = input_tokens + 40 WHERE slot = $1`, [slot]);
    expect((await checkAccuracy(db, analytics, [], now)).ok).toBe(true);
  });

  it('reads raw rows and rollups in one snapshot while rows arrive between its paced pieces', async () => {
    // The raw read is spread over many small queries with pauses; rows stored meanwhile (this
    // hour, so compared) must be in neither side or in both, never in the rollup only. (The
    // embedded database runs one transaction at a time: there the writer waits for the check.)
    const paced = tdb.kind === 'postgres';
    let stored = 0;
    let checking = true;
    const writer = (async () => {
      while (checking) {
        stored++;
        await db.query(
          `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at, response_time_ms, status, instance_id)
           VALUES ($1, 'u1', 'text', 'hi', now(), now(), 100, 'replied', 'bot-1')`,
          [`live-${stored}`],
        );
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const report = await checkAccuracy(db, analytics, [], Date.now(), { paced });
    const storedDuring = stored;
    checking = false;
    await writer;
    if (paced) expect(storedDuring).toBeGreaterThan(10);
    expect(report.drifts).toEqual([]);
  });
});
