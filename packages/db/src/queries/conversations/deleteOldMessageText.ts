import type { Queryable } from '../../pool';

/**
 * Retention: removes message and reply text (and webhook payloads) older than `days`, a batch at a
 * time. Rows, counts and rollups stay, so analytics keep their history. Returns rows changed.
 */
export async function deleteOldMessageText(db: Queryable, days: number, limit = 5000): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE conversations SET message_text = NULL, reply_text = NULL, text_deleted = true
      WHERE id IN (SELECT id FROM conversations
                    WHERE "timestamp" < now() - make_interval(days => $1) AND NOT text_deleted
                    LIMIT $2)`,
    [days, limit],
  );
  await db.query(
    `UPDATE inbox SET event = NULL WHERE event IS NOT NULL AND processed_at IS NOT NULL
        AND received_at < now() - make_interval(days => $1)`,
    [days],
  );
  return rowCount ?? 0;
}
