import type { Queryable } from '../../pool';

export interface HourlyCount {
  /** ISO start of the UTC hour */
  hour: string;
  instance_id: string | null;
  messages: number;
  users: number;
}

/**
 * The truth for the accuracy check: messages and distinct users per UTC hour in [from, to),
 * straight from the raw rows (index range on timestamp), overall and per bot instance.
 */
export async function getRawHourlyCounts(db: Queryable, from: Date, to: Date): Promise<HourlyCount[]> {
  const { rows } = await db.query<HourlyCount>(
    `SELECT to_char(date_trunc('hour', "timestamp" AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"') AS hour,
            instance_id, count(*) AS messages, count(DISTINCT facebook_id) AS users
       FROM conversations
      WHERE "timestamp" >= $1 AND "timestamp" < $2
      GROUP BY GROUPING SETS ((1), (1, instance_id))
      ORDER BY 1, 2 NULLS FIRST`,
    [from, to],
  );
  return rows;
}
