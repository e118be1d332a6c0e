import type { Queryable } from '../../pool';

/** Distinct users per UTC day in [from, to) from the raw rows. */
export async function getRawDailyUsers(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<Array<{ day: string; users: number }>> {
  const { rows } = await db.query<{ day: string; users: number }>(
    `SELECT to_char(("timestamp" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, count(DISTINCT facebook_id) AS users
       FROM conversations WHERE "timestamp" >= $1 AND "timestamp" < $2 GROUP BY 1 ORDER BY 1`,
    [from, to],
  );
  return rows;
}
