import type { Queryable } from '../../pool';
import type { Interval } from './types';

export type Grain = 'd' | 'w' | 'm';

/**
 * Distinct users of whole local days, weeks or months from the per-zone totals, plus the users of
 * still-queued conversations who are not yet members of that period.
 */
export async function getPeriodUsers(
  db: Queryable,
  tz: string,
  grain: Grain,
  periods: Array<Interval & { period: string }>,
): Promise<number[]> {
  if (periods.length === 0) return [];
  const { rows } = await db.query<{ i: number; users: number }>(
    `WITH b AS (
       SELECT * FROM unnest($3::date[], $4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY AS t(period, s, e, i)
     ),
     tail AS MATERIALIZED (
       SELECT q.facebook_id, q.ts
         FROM rollup_queue q
        WHERE q.ts >= (SELECT min(s) FROM b) AND q.ts < (SELECT max(e) FROM b)
     )
     SELECT b.i::int AS i,
            coalesce(t.users, 0) + (
              SELECT count(DISTINCT tl.facebook_id) FROM tail tl
               WHERE tl.ts >= b.s AND tl.ts < b.e
                 AND NOT EXISTS (SELECT 1 FROM rollup_user_periods m
                                  WHERE m.tz = $1 AND m.grain = $2 AND m.period = b.period
                                    AND m.facebook_id = tl.facebook_id)
            ) AS users
       FROM b LEFT JOIN rollup_period_totals t ON t.tz = $1 AND t.grain = $2 AND t.period = b.period
      ORDER BY b.i`,
    [tz, grain, periods.map((p) => p.period), periods.map((p) => p.start), periods.map((p) => p.end)],
  );
  return rows.map((r) => r.users);
}
