import type { FeedMessage } from '@botpulse/protocol';
import type { Queryable } from '../../pool';
import { FEED_COLUMNS } from './feedColumns';

/** The newest `limit` messages, newest first (the dashboard's feed on first load). */
export async function getRecentConversations(db: Queryable, limit: number): Promise<FeedMessage[]> {
  const { rows } = await db.query<FeedMessage>(
    `SELECT ${FEED_COLUMNS}
       FROM conversations c JOIN users u ON u.facebook_id = c.facebook_id
      ORDER BY c.id DESC
      LIMIT $1`,
    [limit],
  );
  return rows;
}
