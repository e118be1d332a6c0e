import { backfillRollupZone, createPool, requestRollupZone } from '@botpulse/db';
import type { TimelineResponse } from '@botpulse/protocol';
import { startStack } from '@botpulse/tools/testing';
import { DateTime } from 'luxon';
import { checkAccuracy } from '../../apps/admin/src/accuracy/accuracy-check';
import { AnalyticsService } from '../../apps/admin/src/analytics/analytics-service';
import { generateHistory } from '../../tools/src/history/generate';
import type { Results } from '../lib/report';
import { endProgress, progress } from '../lib/report';
import { median, p } from '../lib/stats';

const TZ = 'America/New_York';

/**
 * `/api/analytics/timeline`, daily, 90 days with its previous 90 days, in a DST zone, over 10M stored
 * messages (--quick: 100k) — through HTTP against the real admin — against the same answer from a
 * plain GROUP BY over the raw rows, in the same run.
 */
export async function benchTimeline(databaseUrl: string, quick: boolean): Promise<Results> {
  const total = quick ? 100_000 : 10_000_000;
  const days = quick ? 120 : 365;
  const db = createPool(databaseUrl, { max: 4 });
  try {
    // The zone's rollups exist from the first row on (a zone first asked for later is backfilled once).
    await requestRollupZone(db, TZ);
    await backfillRollupZone(db, TZ);
    const started = performance.now();
    await generateHistory(
      db,
      {
        days,
        perDay: Math.ceil(total / days),
        users: 100_000,
        seed: 'bench',
        tz: TZ,
        endMs: Date.now() - 60_000,
        batchSize: 20_000,
        instanceId: 'history',
      },
      (pr) =>
        progress(
          `timeline: generating ${pr.inserted.toLocaleString('en')} / ~${pr.planned.toLocaleString('en')} messages (${Math.round(pr.inserted / (pr.elapsedMs / 1000)).toLocaleString('en')} rows/s)`,
        ),
    );
    endProgress();
    const { rows: count } = await db.query<{ n: number }>('SELECT count(*) AS n FROM conversations');
    console.log(
      `  ${count[0]!.n.toLocaleString('en')} messages stored in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    // Measure a settled database, as the --scale run does: every table vacuumed and analysed now,
    // not by autovacuum workers in the middle of the measurements (a 10M load leaves millions of
    // rollup rows that autovacuum would otherwise visit while the requests run).
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.end();
  }

  const stack = await startStack({ databaseUrl, bots: 0, env: { LOG_LEVEL: 'warn' } });
  try {
    const cookie = await stack.login();
    const today = DateTime.now().setZone(TZ).startOf('day');
    const from = today.minus({ days: 89 }).toISODate()!;
    const to = today.toISODate()!;
    const url = `${stack.adminUrl}/api/analytics/timeline?granularity=day&from=${from}&to=${to}&tz=${encodeURIComponent(TZ)}`;
    const ours = async () => {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { cookie } });
      const body = (await res.json()) as TimelineResponse;
      if (res.status !== 200) throw new Error(`timeline answered ${res.status}: ${JSON.stringify(body)}`);
      return { ms: performance.now() - t0, body };
    };
    for (let i = 0; i < 3; i++) await ours();
    const times: number[] = [];
    let answer: TimelineResponse | undefined;
    const n = quick ? 20 : 50;
    for (let i = 0; i < n; i++) {
      const r = await ours();
      times.push(r.ms);
      answer = r.body;
      progress(`timeline: request ${i + 1}/${n}, ${r.ms.toFixed(1)} ms`);
    }

    // The naive way: GROUP BY local day over the raw rows of both periods.
    const start = today.minus({ days: 179 });
    const end = today.plus({ days: 1 });
    const naive = async () => {
      const t0 = performance.now();
      const { rows } = await stack.db.query<{ day: string; messages: number; users: number }>(
        `SELECT to_char(("timestamp" AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS day, count(*) AS messages,
                count(DISTINCT facebook_id) AS users
           FROM conversations WHERE "timestamp" >= $2 AND "timestamp" < $3 GROUP BY 1 ORDER BY 1`,
        [TZ, start.toJSDate(), end.toJSDate()],
      );
      return { ms: performance.now() - t0, rows };
    };
    const naiveTimes: number[] = [];
    let naiveRows: Array<{ day: string; messages: number; users: number }> = [];
    for (let i = 0; i < (quick ? 3 : 5); i++) {
      const r = await naive();
      naiveTimes.push(r.ms);
      naiveRows = r.rows;
      progress(`timeline: naive GROUP BY ${i + 1}, ${r.ms.toFixed(0)} ms`);
    }
    endProgress();
    // Same answer, or the comparison means nothing.
    const byDay = new Map(naiveRows.map((r) => [r.day, r]));
    const mismatches = [...answer!.previous, ...answer!.buckets].filter((b) => {
      const want = byDay.get(b.start.slice(0, 10));
      return (want?.messages ?? 0) !== b.messages || (want?.users ?? 0) !== b.users;
    });
    if (mismatches.length > 0)
      throw new Error(
        `timeline and the naive GROUP BY disagree on ${mismatches.length} days, e.g. ${JSON.stringify(mismatches[0])}`,
      );
    console.log(
      `  timeline median ${median(times).toFixed(1)} ms, naive median ${median(naiveTimes).toFixed(0)} ms; answers equal on all 180 days`,
    );
    const others = await analyticsTimes(stack, cookie, from, to, quick ? 10 : 20);
    await accuracyCheckCost(stack.db, quick ? 3 : 5);
    return {
      timeline_p95_ms_10m: p(times, 95),
      timeline_speedup_vs_naive: median(naiveTimes) / median(times),
      overview_p95_ms_10m: others.overview.p95,
      users_p95_ms_10m: others.users.p95,
      heatmap_p95_ms_10m: others.heatmap.p95,
      timeline_weekly_p95_ms_10m: others['timeline (week)'].p95,
    };
  } finally {
    await stack.stop();
  }
}

type Stack = Awaited<ReturnType<typeof startStack>>;

export const ANALYTICS_ENDPOINTS = {
  overview: 'overview?',
  users: 'users?',
  heatmap: 'heatmap?',
  'timeline (week)': 'timeline?granularity=week&',
} as const;
export type AnalyticsEndpoint = keyof typeof ANALYTICS_ENDPOINTS | 'timeline (day)';

/**
 * The other analytics endpoints over the same data and range, through HTTP (issue #19's keys), each
 * requested n times after two warm-ups. `extra` adds endpoints (the --scale run adds the daily timeline).
 */
export async function analyticsTimes(
  stack: Pick<Stack, 'adminUrl'>,
  cookie: string,
  from: string,
  to: string,
  n: number,
  extra: Partial<Record<AnalyticsEndpoint, string>> = {},
): Promise<Record<keyof typeof ANALYTICS_ENDPOINTS, { median: number; p95: number }>> {
  const range = `from=${from}&to=${to}&tz=${encodeURIComponent(TZ)}`;
  const out: Partial<Record<AnalyticsEndpoint, { median: number; p95: number }>> = {};
  for (const [name, path] of Object.entries({ ...ANALYTICS_ENDPOINTS, ...extra })) {
    const url = `${stack.adminUrl}/api/analytics/${path}${range}`;
    const times: number[] = [];
    for (let i = 0; i < n + 2; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { cookie } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      if (i >= 2) times.push(performance.now() - t0);
      progress(`analytics: ${name} ${i + 1}/${n + 2}`);
    }
    endProgress();
    console.log(
      `  ${name.padEnd(15)} 90 days in ${TZ}: median ${median(times).toFixed(1)} ms, p95 ${p(times, 95).toFixed(1)} ms`,
    );
    out[name as AnalyticsEndpoint] = { median: median(times), p95: p(times, 95) };
  }
  return out as Record<keyof typeof ANALYTICS_ENDPOINTS, { median: number; p95: number }>;
}

/** One accuracy check (issue #9) over the same stored data: today and yesterday, raw rows vs rollups vs API. */
async function accuracyCheckCost(db: Stack['db'], n: number) {
  const analytics = new AnalyticsService(db);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const report = await checkAccuracy(db, analytics, []);
    if (!report.ok)
      throw new Error(`accuracy check found drift: ${JSON.stringify(report.drifts.slice(0, 3))}`);
    times.push(report.duration_ms);
  }
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM conversations WHERE "timestamp" >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '1 day'`,
  );
  console.log(
    `  accuracy check (${Number(rows[0]!.n).toLocaleString('en')} rows in its window): median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`,
  );
}
