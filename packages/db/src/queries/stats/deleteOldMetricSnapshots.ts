import type { Queryable } from '../../pool';

/** Keeps the metrics table (one snapshot per bot per minute) from growing forever. */
export async function deleteOldMetricSnapshots(db: Queryable, days: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM metrics WHERE "timestamp" < (now() - make_interval(days => $1)) AT TIME ZONE 'UTC'`,
    [days],
  );
  return rowCount ?? 0;
}
