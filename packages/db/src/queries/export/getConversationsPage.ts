import type { Queryable } from '../../pool';

export interface ExportConversationRow {
  id: number;
  timestamp: Date;
  user_id: string;
  user_name: string | null;
  kind: string;
  message_text: string | null;
  reply_text: string | null;
  response_time_ms: number;
  status: string;
  instance_id: string;
}

/** One page of an export, in (timestamp, id) order after the cursor: keyset paging, no long transaction. */
export async function getConversationsPage(
  db: Queryable,
  range: { start: Date; end: Date },
  after: { timestamp: Date; id: number } | null,
  limit: number,
): Promise<ExportConversationRow[]> {
  const { rows } = await db.query<ExportConversationRow>(
    `SELECT c.id, c."timestamp", c.facebook_id AS user_id,
            nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name,
            c.kind, c.message_text, c.reply_text, c.response_time_ms, c.status, c.instance_id
       FROM conversations c JOIN users u ON u.facebook_id = c.facebook_id
      WHERE c."timestamp" >= $1 AND c."timestamp" < $2
        AND ($3::timestamptz IS NULL OR (c."timestamp", c.id) > ($3::timestamptz, $4::bigint))
      ORDER BY c."timestamp", c.id
      LIMIT $5`,
    [range.start, range.end, after?.timestamp ?? null, after?.id ?? 0, limit],
  );
  return rows;
}
