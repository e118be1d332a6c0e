import type { FeedMessage } from '@botpulse/protocol';
import { hotStatement, type Queryable } from '../../pool';
import { FEED_COLUMNS } from './feedColumns';

/**
 * Messages stored after `afterId`, oldest first: the live feed's catch-up and the SSE resume.
 * Ids grow in commit order, so "id > afterId" never skips a row.
 *
 * The plan must walk the primary key from `afterId` and look each user up by key, whatever the
 * statistics say: the live feed runs this every 25 ms under load. On a table not yet analysed (a
 * new install, the first minute after a bulk load) `id > $1` alone is estimated at a third of the
 * table, and the planner read all of conversations and users (hash join) on every call, a cost
 * that grew with the table. The upper bound `id <= max bigint` changes no result but makes it a
 * range, which the planner estimates as narrow; the user is read per row (LATERAL, LIMIT 1: the
 * key is unique), never by hashing the whole table.
 */
export async function getConversationsAfter(
  db: Queryable,
  options: { afterId: number; limit: number; instanceId?: string },
): Promise<FeedMessage[]> {
  const { rows } = await db.query<FeedMessage>(
    hotStatement(`SELECT ${FEED_COLUMNS}
       FROM (SELECT id, facebook_id, message_text, reply_text, "timestamp", response_time_ms, instance_id,
                    status, kind
               FROM conversations
              WHERE id > $1 AND id <= 9223372036854775807 AND ($3::text IS NULL OR instance_id = $3)
              ORDER BY id
              LIMIT $2) c
       CROSS JOIN LATERAL (SELECT first_name, last_name FROM users WHERE facebook_id = c.facebook_id LIMIT 1) u
      ORDER BY c.id`),
    [options.afterId, options.limit, options.instanceId ?? null],
  );
  return rows;
}
