import type { FeedMessage } from '@botpulse/protocol';
import type { Queryable } from '../../pool';
import { FEED_COLUMNS } from './feedColumns';

/**
 * Messages stored after `afterId`, oldest first: the live feed's catch-up and the SSE resume.
 * Ids grow in commit order, so "id > afterId" never skips a row.
 */
export async function getConversationsAfter(
  db: Queryable,
  options: { afterId: number; limit: number; instanceId?: string },
): Promise<FeedMessage[]> {
  const { rows } = await db.query<FeedMessage>(
    `SELECT ${FEED_COLUMNS}
       FROM conversations c JOIN users u ON u.facebook_id = c.facebook_id
      WHERE c.id > $1 AND ($3::text IS NULL OR c.instance_id = $3)
      ORDER BY c.id
      LIMIT $2`,
    [options.afterId, options.limit, options.instanceId ?? null],
  );
  return rows;
}
