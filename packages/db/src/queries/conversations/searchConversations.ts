import type { ConversationItem } from '@botpulse/protocol';
import type { Queryable } from '../../pool';
import {
  type ConversationFilter,
  type ConversationKey,
  conversationConditions,
  ITEM_COLUMNS,
  keyInstant,
} from './conversationFilter';

export type ConversationRow = ConversationItem & { ts_us: number };

/**
 * One page of the conversations matching a filter, newest first, strictly after `after` in
 * (timestamp, id) descending order: keyset paging, so a page never repeats or skips a row however
 * many rows arrive between pages (ties in timestamp are broken by id).
 */
export async function searchConversations(
  db: Queryable,
  filter: ConversationFilter,
  after: ConversationKey | null,
  limit: number,
): Promise<ConversationRow[]> {
  if (filter.terms.length === 0) return searchRange(db, filter, after, limit);
  // A search walks back in time in growing windows (a day, then 4×, 16×, … up to the range's
  // start). The trigram index finds a word's rows anywhere in the table; a common word has
  // hundreds of thousands, of which a page needs 50 newest. Within a window the planner can pick
  // the time index (a common word fills the page in the first window) or the trigram index (a rare
  // one), and windows are disjoint and newest first, so the (timestamp, id) order holds.
  const found: ConversationRow[] = [];
  const startMs = filter.start.getTime();
  let end = after ? Math.min(filter.end.getTime(), Math.floor(after.tsUs / 1000) + 1) : filter.end.getTime();
  for (let windowMs = DAY_MS; found.length < limit && end > startMs; windowMs *= 4) {
    const from = Math.max(startMs, end - windowMs);
    const window = { ...filter, start: new Date(from), end: new Date(end) };
    found.push(...(await searchRange(db, window, after, limit - found.length)));
    end = from;
  }
  return found;
}

const DAY_MS = 86_400_000;

async function searchRange(
  db: Queryable,
  filter: ConversationFilter,
  after: ConversationKey | null,
  limit: number,
): Promise<ConversationRow[]> {
  const params: unknown[] = [];
  const where = conversationConditions(filter, params);
  if (after) {
    params.push(after.tsUs, after.id);
    where.push(`(c."timestamp", c.id) < (${keyInstant(`$${params.length - 1}`)}, $${params.length}::bigint)`);
  }
  params.push(limit);
  const { rows } = await db.query<ConversationRow>(
    `SELECT ${ITEM_COLUMNS}
       FROM conversations c JOIN users u ON u.facebook_id = c.facebook_id
      WHERE ${where.join(' AND ')}
      ORDER BY c."timestamp" DESC, c.id DESC
      LIMIT $${params.length}`,
    params,
  );
  return rows;
}
