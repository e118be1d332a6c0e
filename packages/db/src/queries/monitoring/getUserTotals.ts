import type { Queryable } from '../../pool';

export interface UserTotals {
  total: number;
  active_today: number;
  active_this_week: number;
}

/**
 * All-instance user figures for the Monitoring page, in UTC like the bots' collectors: every user
 * ever, distinct users today (the UTC day rollup plus not-yet-folded rows) and in the last 7 UTC
 * days including today. Today's queued users are checked against the day's members by primary key
 * (LATERAL … LIMIT 1), not by a NOT EXISTS the planner ran as a scan of the whole day per queued
 * row once its statistics were stale (2.7 s per call, every 10 s, under the bench's load).
 */
export async function getUserTotals(db: Queryable, now: Date): Promise<UserTotals> {
  const { rows } = await db.query<UserTotals>(
    `WITH d AS (SELECT (($1::timestamptz) AT TIME ZONE 'UTC')::date AS today),
     tail AS (
       SELECT DISTINCT q.facebook_id, (q.ts AT TIME ZONE 'UTC')::date AS day
         FROM rollup_queue q, d
        WHERE q.ts >= (d.today - 6)::timestamp AT TIME ZONE 'UTC'
     )
     SELECT (SELECT count(*) FROM users) AS total,
            coalesce((SELECT users FROM rollup_period_totals, d WHERE tz = 'UTC' AND grain = 'd' AND period = d.today), 0)
              + (SELECT count(*)
                   FROM tail CROSS JOIN d
                   LEFT JOIN LATERAL (SELECT true AS member FROM rollup_user_periods m
                                       WHERE m.tz = 'UTC' AND m.grain = 'd' AND m.period = tail.day
                                         AND m.facebook_id = tail.facebook_id
                                       LIMIT 1) x ON true
                  WHERE tail.day = d.today AND x.member IS NULL)
              AS active_today,
            (SELECT count(*) FROM (
               SELECT m.facebook_id FROM rollup_user_periods m, d
                WHERE m.tz = 'UTC' AND m.grain = 'd' AND m.period BETWEEN d.today - 6 AND d.today
               UNION
               SELECT facebook_id FROM tail) w) AS active_this_week`,
    [now],
  );
  return rows[0]!;
}
