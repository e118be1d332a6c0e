import type { Queryable } from '../../pool';

/** Whether the zone's user rollups are complete; a zone asked for the first time is queued for backfill. */
export async function requestRollupZone(db: Queryable, tz: string): Promise<boolean> {
  const { rows } = await db.query<{ ready: boolean }>(
    `WITH ins AS (
       INSERT INTO rollup_zones (tz) VALUES ($1) ON CONFLICT (tz) DO NOTHING RETURNING ready
     )
     SELECT ready FROM ins UNION ALL SELECT ready FROM rollup_zones WHERE tz = $1`,
    [tz],
  );
  return rows.some((r) => r.ready);
}
