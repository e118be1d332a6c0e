import type { Queryable } from '../../pool';

export interface RollupLag {
  /** conversations stored but not yet folded into the rollups */
  rows: number;
  /** age of the oldest of them, seconds */
  seconds: number;
}

export async function getRollupLag(db: Queryable): Promise<RollupLag> {
  const { rows } = await db.query<RollupLag>(
    `SELECT count(*) AS rows,
            coalesce(extract(epoch FROM now() - min(c.processed_at)), 0)::float8 AS seconds
       FROM rollup_queue q JOIN conversations c ON c.id = q.conversation_id`,
  );
  return rows[0]!;
}
