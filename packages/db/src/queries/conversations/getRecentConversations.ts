import type { FeedMessage } from '@botpulse/protocol';
import type { Queryable } from '../../pool';

/** The newest `limit` messages, newest first (the dashboard's feed on first load). */
export async function getRecentConversations(db: Queryable, limit: number): Promise<FeedMessage[]> {
  const { rows } = await db.query<FeedMessage>(
    `SELECT c.id, c.facebook_id AS user_id,
            nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name,
            coalesce(c.message_text, '') AS message_text, c.reply_text,
            to_char(c."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "timestamp",
            c.response_time_ms AS response_time, c.instance_id, c.status, c.kind
       FROM conversations c JOIN users u ON u.facebook_id = c.facebook_id
      ORDER BY c.id DESC
      LIMIT $1`,
    [limit],
  );
  return rows;
}
