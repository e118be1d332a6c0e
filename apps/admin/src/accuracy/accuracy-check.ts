import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Db,
  getPeriodUsers,
  getRawTruth,
  getRollupHourlyGenAi,
  getRollupHourlyMessages,
  withTransaction,
} from '@botpulse/db';
import type { AccuracyReport, InstanceState } from '@botpulse/protocol';
import type { AnalyticsService } from '../analytics/analytics-service';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** hours are compared with the analytics API and the collectors once they ended this long before */
const SETTLE_MS = 2 * 60_000;
/** between the pieces of the raw read, rest twice as long as the piece took, at least this long */
const PAUSE_MIN_MS = 5;
/**
 * The analytics API's timeline buckets are asked for this many hours at a time: its hourly distinct
 * users are counted from the raw rows, and two days in one request (with the previous period, which
 * the check does not compare) held the database for ~180 ms twice at 1,000 msg/s (the live feed's
 * worst second of the latency bench). Paced like the raw read.
 */
const API_HOURS_PER_REQUEST = 6;

/**
 * The check is background work with minutes of slack: after each piece of its raw read it rests
 * twice as long as the piece took, so on a busy database it holds at most a third of a core and
 * never for long (read in one 125 ms query, it coincided with the live feed's worst second at
 * 1,000 msg/s on two cores).
 */
function pacer(): () => Promise<void> {
  let resumed = performance.now();
  return async () => {
    await sleep(Math.max(PAUSE_MIN_MS, 2 * (performance.now() - resumed)));
    resumed = performance.now();
  };
}

type Drift = AccuracyReport['drifts'][number];

export interface CheckOptions {
  /**
   * Rest between the pieces of the raw read (see `pacer`). Only where other sessions can work
   * meanwhile: the embedded database runs one transaction at a time, so there the read runs straight.
   */
  paced?: boolean;
}

/**
 * Is the monitor telling the truth? Recomputes today's and yesterday's counts (UTC, per hour:
 * messages, distinct users, Gemini tokens and cost; per day: distinct users) from the raw conversation rows and compares
 * them with the rollups, the analytics API and each live bot's in-memory collector. Bounded to the
 * last two days, served by the timestamp index and read in small pieces (paced where the database
 * allows), so it is cheap to run every few minutes on a busy bot.
 */
export async function checkAccuracy(
  db: Db,
  analytics: AnalyticsService,
  instances: InstanceState[],
  nowMs = Date.now(),
  options: CheckOptions = {},
): Promise<AccuracyReport> {
  const started = performance.now();
  const from = new Date(Math.floor(nowMs / DAY) * DAY - DAY);
  // Like with like: rollup slots and day periods hold whole slots and days, so the raw rows are
  // read to the end of today too (a row stamped later today, kept from before event times were
  // clamped, is in both or in neither; only hours that began before now are compared).
  const to = new Date(Math.floor(nowMs / DAY) * DAY + DAY);
  const drifts: Drift[] = [];

  const days = [0, 1].map((d) => {
    const start = new Date(from.getTime() + d * DAY);
    return { period: start.toISOString().slice(0, 10), start, end: new Date(start.getTime() + DAY) };
  });
  // Raw rows and rollups read in one snapshot: rollup + still-queued must equal raw exactly.
  const snapshot = await withTransaction(db, async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const raw = await getRawTruth(tx, from, to, options.paced ? pacer() : undefined);
    const rollup = await getRollupHourlyMessages(tx, from, to);
    const rollupDays = await getPeriodUsers(tx, 'UTC', 'd', days);
    const rollupGenAi = await getRollupHourlyGenAi(tx, from, to);
    return { raw, rollup, rollupDays, rollupGenAi };
  });

  const overall = new Map(snapshot.raw.hourly.map((r) => [r.hour, r]));
  const hours: string[] = [];
  for (let t = from.getTime(); t < nowMs; t += HOUR)
    hours.push(new Date(t).toISOString().replace('.000Z', 'Z'));

  const rollupByHour = new Map(snapshot.rollup.map((r) => [r.hour, r.folded + r.queued]));
  for (const hour of hours) {
    const expected = overall.get(hour)?.messages ?? 0;
    const actual = rollupByHour.get(hour) ?? 0;
    if (actual !== expected) drifts.push({ source: 'rollup', hour, metric: 'messages', expected, actual });
  }
  // Gemini tokens and cost: rollup (folded + queued) against the raw rows, hour by hour.
  const rawGenAi = new Map(snapshot.raw.genAi.map((r) => [r.hour, r]));
  const rollupGenAi = new Map(snapshot.rollupGenAi.map((r) => [r.hour, r]));
  for (const hour of hours) {
    const want = rawGenAi.get(hour);
    const got = rollupGenAi.get(hour);
    for (const metric of ['input_tokens', 'output_tokens', 'reasoning_tokens', 'cost_usd'] as const) {
      const expected = want?.[metric] ?? 0;
      const actual = got?.[metric] ?? 0;
      // costs are numeric sums in the database: equal to the last digit, compared at 1e-9 USD
      const same = metric === 'cost_usd' ? Math.abs(actual - expected) < 1e-9 : actual === expected;
      if (!same) drifts.push({ source: 'rollup', hour, metric, expected, actual });
    }
  }
  const rawDayUsers = new Map(snapshot.raw.days.map((d) => [d.day, d.users]));
  days.forEach((d, i) => {
    const expected = rawDayUsers.get(d.period) ?? 0;
    const actual = snapshot.rollupDays[i] ?? 0;
    if (actual !== expected)
      drifts.push({ source: 'rollup', hour: `${d.period}T00:00:00Z`, metric: 'users', expected, actual });
  });

  // The analytics timeline's buckets, computed as for the API: hours that ended a while ago (a
  // message stamped just before the hour's end may still be on its way to the table), against the
  // snapshot's raw rows.
  const settled = new Date(Math.floor((nowMs - SETTLE_MS) / HOUR) * HOUR);
  const apiBuckets = [];
  const pace = options.paced ? pacer() : undefined;
  for (let t = from.getTime(); t < settled.getTime(); t += API_HOURS_PER_REQUEST * HOUR) {
    if (pace && t > from.getTime()) await pace();
    const buckets = await analytics.timelineBuckets({
      tz: 'UTC',
      granularity: 'hour',
      from: new Date(t).toISOString(),
      to: new Date(Math.min(t + API_HOURS_PER_REQUEST * HOUR, settled.getTime())).toISOString(),
    });
    apiBuckets.push(...buckets);
  }
  for (const b of apiBuckets) {
    const hour = new Date(b.start).toISOString().replace('.000Z', 'Z');
    const want = overall.get(hour);
    if (b.messages !== (want?.messages ?? 0)) {
      drifts.push({
        source: 'analytics',
        hour,
        metric: 'messages',
        expected: want?.messages ?? 0,
        actual: b.messages,
      });
    }
    if (b.users !== (want?.users ?? 0)) {
      drifts.push({
        source: 'analytics',
        hour,
        metric: 'users',
        expected: want?.users ?? 0,
        actual: b.users,
      });
    }
  }

  // Each live bot's collector, for hours that had settled when it sent its snapshot.
  const compared: string[] = [];
  for (const inst of instances) {
    if (inst.status === 'gone' || !inst.metrics) continue;
    const snapshotMs = Date.parse(inst.metrics.timestamp);
    if (nowMs - snapshotMs > 60_000) continue;
    compared.push(inst.instance_id);
    const perHour = new Map(
      snapshot.raw.instances.filter((r) => r.instance_id === inst.instance_id).map((r) => [r.hour, r]),
    );
    for (const h of inst.metrics.hourly) {
      const startMs = Date.parse(h.hour);
      if (
        startMs < from.getTime() ||
        startMs + HOUR > snapshotMs - SETTLE_MS ||
        startMs + HOUR > settled.getTime()
      )
        continue;
      const hour = new Date(startMs).toISOString().replace('.000Z', 'Z');
      const want = perHour.get(hour);
      if (h.messages !== (want?.messages ?? 0)) {
        drifts.push({
          source: 'collector',
          instance_id: inst.instance_id,
          hour,
          metric: 'messages',
          expected: want?.messages ?? 0,
          actual: h.messages,
        });
      }
      if (h.users !== (want?.users ?? 0)) {
        drifts.push({
          source: 'collector',
          instance_id: inst.instance_id,
          hour,
          metric: 'users',
          expected: want?.users ?? 0,
          actual: h.users,
        });
      }
    }
  }

  return {
    checked_at: new Date(nowMs).toISOString(),
    ok: drifts.length === 0,
    duration_ms: performance.now() - started,
    checked: { hours: hours.length, days: 2, instances: compared },
    drifts,
  };
}
