import type { Queryable } from '../../pool';

/** Every message ever stored: folded slots plus the still-queued rows. */
export async function getMessageTotal(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT (SELECT coalesce(sum(messages), 0) FROM rollup_slots) + (SELECT count(*) FROM rollup_queue) AS n`,
  );
  return rows[0]!.n;
}
