import type { Queryable } from '../../pool';

/**
 * Deletes dead letters (events given up on, kept for inspection) older than `keepHours`. Answered
 * events leave the inbox as they are stored.
 */
export async function pruneProcessedInbox(db: Queryable, keepHours: number, limit = 10_000): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM inbox WHERE id IN (
       SELECT id FROM inbox WHERE processed_at < now() - make_interval(hours => $1) LIMIT $2)`,
    [keepHours, limit],
  );
  return rowCount ?? 0;
}
