import type { FeedMessage } from '@botpulse/protocol';
import type { Queryable } from '../../pool';

/**
 * Messages stored after `afterId`, oldest first: the live feed's catch-up and the SSE resume.
 * Ids grow in commit order, so "id > afterId" never skips a row.
 */
export async function getConversationsAfter(
  db: Queryable,
  options: { afterId: number; limit: number; instanceId?: string },
): Promise<FeedMessage[]> {
  const { rows } = await db.query<FeedMessage>(
    `SELECT c.id, c.facebook_id AS user_id,
            nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name,
            coalesce(c.message_text, '') AS message_text, c.reply_text,
            to_char(c."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "timestamp",
            c.response_time_ms AS response_time, c.instance_id, c.status, c.kind
       FROM conversations c JOIN users u ON u.facebook_id = c.facebook_id
      WHERE c.id > $1 AND ($3::text IS NULL OR c.instance_id = $3)
      ORDER BY c.id
      LIMIT $2`,
    [options.afterId, options.limit, options.instanceId ?? null],
  );
  return rows;
}
