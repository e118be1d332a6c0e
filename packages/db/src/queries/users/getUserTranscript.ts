import type { Queryable } from '../../pool';
import { type ConversationKey, ITEM_COLUMNS, keyInstant } from '../conversations/conversationFilter';
import type { ConversationRow } from '../conversations/searchConversations';

export type TranscriptPosition =
  | { kind: 'newest' }
  | { kind: 'before'; key: ConversationKey }
  | { kind: 'after'; key: ConversationKey }
  /** the page around one message: it and the rows just before and after it */
  | { kind: 'around'; id: number };

/**
 * A page of one person's messages in (timestamp, id) order, oldest first, keyset-paged both ways.
 * Returns up to `limit` rows (around: up to limit/2 before the message, it, and the rest after).
 * `hasOlder` / `hasNewer` say whether a neighbouring page exists. null: `around` names no message of
 * this person.
 */
export async function getUserTranscript(
  db: Queryable,
  facebookId: string,
  position: TranscriptPosition,
  limit: number,
): Promise<{ rows: ConversationRow[]; hasOlder: boolean; hasNewer: boolean } | null> {
  const older = (key: ConversationKey | null, n: number, inclusive = false) =>
    page(db, facebookId, key, 'older', n + 1, inclusive);
  const newer = (key: ConversationKey | null, n: number) => page(db, facebookId, key, 'newer', n + 1, false);

  if (position.kind === 'newest' || position.kind === 'before') {
    const rows = await older(position.kind === 'before' ? position.key : null, limit);
    const more = rows.length > limit;
    return { rows: rows.slice(0, limit).reverse(), hasOlder: more, hasNewer: position.kind === 'before' };
  }
  if (position.kind === 'after') {
    const rows = await newer(position.key, limit);
    return { rows: rows.slice(0, limit), hasOlder: true, hasNewer: rows.length > limit };
  }
  const { rows: found } = await db.query<ConversationKey>(
    `SELECT (extract(epoch FROM "timestamp") * 1000000)::bigint AS "tsUs", id
       FROM conversations WHERE id = $1 AND facebook_id = $2`,
    [position.id, facebookId],
  );
  const at = found[0];
  if (!at) return null;
  const half = Math.floor(limit / 2);
  // The message itself and the older half, then the newer rest.
  const before = await older(at, half + 1, true);
  const beforeRows = before.slice(0, half + 1);
  const after = await newer(at, limit - beforeRows.length);
  const afterRows = after.slice(0, limit - beforeRows.length);
  return {
    rows: [...beforeRows.reverse(), ...afterRows],
    hasOlder: before.length > half + 1,
    hasNewer: after.length > afterRows.length,
  };
}

async function page(
  db: Queryable,
  facebookId: string,
  key: ConversationKey | null,
  direction: 'older' | 'newer',
  limit: number,
  inclusive: boolean,
): Promise<ConversationRow[]> {
  const params: unknown[] = [facebookId];
  let cond = '';
  if (key) {
    params.push(key.tsUs, key.id);
    const op = direction === 'older' ? (inclusive ? '<=' : '<') : '>';
    cond = `AND (c."timestamp", c.id) ${op} (${keyInstant('$2')}, $3::bigint)`;
  }
  params.push(limit);
  const order = direction === 'older' ? 'DESC' : 'ASC';
  const { rows } = await db.query<ConversationRow>(
    `SELECT ${ITEM_COLUMNS}
       FROM conversations c JOIN users u ON u.facebook_id = c.facebook_id
      WHERE c.facebook_id = $1 ${cond}
      ORDER BY c."timestamp" ${order}, c.id ${order}
      LIMIT $${params.length}`,
    params,
  );
  return rows;
}
