import type { Queryable } from '../../pool';

export interface ExportMetricsRow {
  id: number;
  timestamp: Date;
  metric_type: string;
  instance_id: string | null;
  metric_value: Record<string, unknown>;
}

/** One page of metric snapshots (plan appendix B) in time order after the cursor. */
export async function getMetricsPage(
  db: Queryable,
  range: { start: Date; end: Date },
  afterId: number,
  limit: number,
): Promise<ExportMetricsRow[]> {
  const { rows } = await db.query<ExportMetricsRow>(
    `SELECT id, "timestamp" AT TIME ZONE 'UTC' AS "timestamp", metric_type, instance_id, metric_value
       FROM metrics
      WHERE "timestamp" >= $1::timestamptz AT TIME ZONE 'UTC' AND "timestamp" < $2::timestamptz AT TIME ZONE 'UTC'
        AND id > $3
      ORDER BY id
      LIMIT $4`,
    [range.start, range.end, afterId, limit],
  );
  return rows;
}
