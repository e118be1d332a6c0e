import type { Queryable } from '../../pool';
import type { Interval } from './types';

export type Grain = 'd' | 'w' | 'm';

/**
 * Distinct users of whole local days, weeks or months from the per-zone totals, plus the users of
 * still-queued conversations who are not yet members of that period.
 *
 * Membership is looked up by primary key (LATERAL … LIMIT 1), whatever the statistics say: with a
 * NOT EXISTS, statistics taken while rollup_user_periods was nearly empty made the planner scan the
 * whole period once per queued row (16.9 s for 1,646 queued rows against 42,856 members, found with
 * auto_explain during the bench's throughput run).
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
              SELECT count(*)
                FROM (SELECT DISTINCT tl.facebook_id FROM tail tl WHERE tl.ts >= b.s AND tl.ts < b.e) u
                LEFT JOIN LATERAL (SELECT true AS member FROM rollup_user_periods m
                                    WHERE m.tz = $1 AND m.grain = $2 AND m.period = b.period
                                      AND m.facebook_id = u.facebook_id
                                    LIMIT 1) x ON true
               WHERE x.member IS NULL
            ) AS users
       FROM b LEFT JOIN rollup_period_totals t ON t.tz = $1 AND t.grain = $2 AND t.period = b.period
      ORDER BY b.i`,
    [tz, grain, periods.map((p) => p.period), periods.map((p) => p.start), periods.map((p) => p.end)],
  );
  return rows.map((r) => r.users);
}
