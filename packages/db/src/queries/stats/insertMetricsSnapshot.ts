import type { Queryable } from '../../pool';

/** Plan appendix B: a periodic snapshot of a service's metrics (exported as type=metrics). */
export async function insertMetricsSnapshot(
  db: Queryable,
  snapshot: { metricType: string; instanceId: string; value: unknown; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO metrics ("timestamp", metric_type, metric_value, instance_id)
     VALUES ($1::timestamptz AT TIME ZONE 'UTC', $2, $3::jsonb, $4)`,
    [snapshot.at, snapshot.metricType, JSON.stringify(snapshot.value), snapshot.instanceId],
  );
}
