import type { Queryable } from '../../pool';

export interface InboxBacklog {
  depth: number;
  oldest_pending_s: number;
}

/** How many acknowledged events wait to be processed, and the age of the oldest. */
export async function getInboxBacklog(db: Queryable): Promise<InboxBacklog> {
  const { rows } = await db.query<InboxBacklog>(
    `SELECT count(*) AS depth,
            coalesce(extract(epoch FROM now() - min(received_at)), 0)::float8 AS oldest_pending_s
       FROM inbox WHERE processed_at IS NULL`,
  );
  return rows[0]!;
}
