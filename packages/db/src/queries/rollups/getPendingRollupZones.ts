import type { Queryable } from '../../pool';

export async function getPendingRollupZones(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ tz: string }>(
    `SELECT tz FROM rollup_zones WHERE NOT ready ORDER BY requested_at`,
  );
  return rows.map((r) => r.tz);
}
