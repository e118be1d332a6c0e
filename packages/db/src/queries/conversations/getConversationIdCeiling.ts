import type { Queryable } from '../../pool';

/**
 * The highest conversation id this database has handed out (its sequence; 0 before the first).
 * Every stored id is at or below it, deleted rows or not, so an id above it was never stored here.
 */
export async function getConversationIdCeiling(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ ceiling: string }>(
    `SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS ceiling FROM conversations_id_seq`,
  );
  return Number(rows[0]!.ceiling);
}
