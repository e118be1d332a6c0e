import type { Queryable } from '../../pool';

/**
 * Messages per UTC hour in [from, to) as the rollups hold them: folded slots only, without the
 * still-queued rows — in the same snapshot, the queued count is returned so the caller can compare
 * exactly (rollup + queued = raw).
 */
export async function getRollupHourlyMessages(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<Array<{ hour: string; folded: number; queued: number }>> {
  const { rows } = await db.query<{ hour: string; folded: number; queued: number }>(
    `WITH f AS (
       SELECT date_trunc('hour', slot AT TIME ZONE 'UTC') AS h, sum(messages) AS n
         FROM rollup_slots WHERE slot >= $1 AND slot < $2 GROUP BY 1
     ),
     q AS (
       SELECT date_trunc('hour', rq.ts AT TIME ZONE 'UTC') AS h, count(*) AS n
         FROM rollup_queue rq
        WHERE rq.ts >= $1 AND rq.ts < $2 GROUP BY 1
     )
     SELECT to_char(coalesce(f.h, q.h), 'YYYY-MM-DD"T"HH24:00:00"Z"') AS hour,
            coalesce(f.n, 0) AS folded, coalesce(q.n, 0) AS queued
       FROM f FULL JOIN q ON q.h = f.h
      ORDER BY 1`,
    [from, to],
  );
  return rows;
}
