import type { Queryable } from '../../pool';

/**
 * Deletes processed inbox rows older than `keepHours` (their dedup keys stop guarding against Meta
 * retries, which come within minutes; `conversations.mid` still prevents double counting).
 */
export async function pruneProcessedInbox(db: Queryable, keepHours: number, limit = 10_000): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM inbox WHERE id IN (
       SELECT id FROM inbox WHERE processed_at < now() - make_interval(hours => $1) LIMIT $2)`,
    [keepHours, limit],
  );
  return rowCount ?? 0;
}
