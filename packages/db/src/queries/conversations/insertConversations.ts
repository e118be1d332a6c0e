import type { ConversationStatus, MessageKind } from '@botpulse/protocol';
import { type Db, LOCKS } from '../../pool';

export interface NewConversation {
  inbox_id: number;
  mid: string;
  facebook_id: string;
  kind: MessageKind;
  message_text: string;
  reply_text: string | null;
  /** ISO instants */
  timestamp: string;
  received_at: string;
  response_time_ms: number;
  store_ms: number | null;
  generate_ms: number | null;
  send_ms: number | null;
  status: ConversationStatus;
  error: string | null;
  instance_id: string;
  /** set when the User Profile API was asked just now */
  profile: { first_name: string | null; last_name: string | null; profile_pic: string | null } | null;
}

export interface InsertedConversation {
  mid: string;
  /** null: this mid was already stored (a retry), so it is not counted again */
  id: number | null;
  new_user: boolean;
}

/**
 * Stores a batch of answered messages in one transaction: upserts their users, inserts the
 * conversations (skipping mids already stored) and removes their inbox events.
 * Ids are handed out under the feed lock, so they grow in commit order across all bots.
 */
export async function insertConversations(db: Db, rows: NewConversation[]): Promise<InsertedConversation[]> {
  if (rows.length === 0) return [];
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.feed]);
    const { rows: result } = await client.query<{ mid: string; id: number | null; new_user: boolean }>(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
           inbox_id bigint, mid text, facebook_id text, kind text, message_text text, reply_text text,
           "timestamp" timestamptz, received_at timestamptz, response_time_ms float8, store_ms float8,
           generate_ms float8, send_ms float8, status text, error text, instance_id text, profile jsonb, n int)
       ),
       u AS (
         INSERT INTO users AS t (facebook_id, first_name, last_name, profile_pic, profile_fetched_at,
                                 first_seen, last_interaction)
         SELECT facebook_id,
                (array_agg(profile->>'first_name') FILTER (WHERE profile IS NOT NULL))[1],
                (array_agg(profile->>'last_name') FILTER (WHERE profile IS NOT NULL))[1],
                (array_agg(profile->>'profile_pic') FILTER (WHERE profile IS NOT NULL))[1],
                CASE WHEN bool_or(profile IS NOT NULL) THEN now() END,
                min("timestamp"), max("timestamp")
           FROM x GROUP BY facebook_id ORDER BY facebook_id
         ON CONFLICT (facebook_id) DO UPDATE SET
           first_name = CASE WHEN EXCLUDED.profile_fetched_at IS NULL THEN t.first_name ELSE EXCLUDED.first_name END,
           last_name = CASE WHEN EXCLUDED.profile_fetched_at IS NULL THEN t.last_name ELSE EXCLUDED.last_name END,
           profile_pic = CASE WHEN EXCLUDED.profile_fetched_at IS NULL THEN t.profile_pic ELSE EXCLUDED.profile_pic END,
           profile_fetched_at = coalesce(EXCLUDED.profile_fetched_at, t.profile_fetched_at),
           first_seen = least(t.first_seen, EXCLUDED.first_seen),
           last_interaction = greatest(t.last_interaction, EXCLUDED.last_interaction)
         RETURNING facebook_id, (xmax = 0) AS inserted
       ),
       c AS (
         INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                    response_time_ms, store_ms, generate_ms, send_ms, status, error, instance_id)
         SELECT mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                response_time_ms, store_ms, generate_ms, send_ms, status, error, instance_id
           FROM x ORDER BY n
         ON CONFLICT (mid) DO NOTHING
         RETURNING id, mid
       ),
       -- Answered events leave the inbox (a DELETE writes less than marking them done; a late
       -- duplicate is recognised by its conversation row before it is answered again).
       i AS (
         DELETE FROM inbox WHERE id IN (SELECT inbox_id FROM x)
       )
       SELECT x.mid, c.id, coalesce(u.inserted, false) AS new_user
         FROM x LEFT JOIN c ON c.mid = x.mid LEFT JOIN u ON u.facebook_id = x.facebook_id
        ORDER BY x.n`,
      [JSON.stringify(rows.map((r, n) => ({ ...r, n })))],
    );
    await client.query('COMMIT');
    // A user new in this batch is new only for its first stored message.
    // The same mid twice in one batch is stored (and counted) once.
    const seenUsers = new Set<string>();
    const seenIds = new Set<number>();
    return result.map((r, i) => {
      const id = r.id !== null && !seenIds.has(r.id) ? r.id : null;
      if (id !== null) seenIds.add(id);
      const user = rows[i]!.facebook_id;
      const newUser = r.new_user && id !== null && !seenUsers.has(user);
      if (newUser) seenUsers.add(user);
      return { mid: r.mid, id, new_user: newUser };
    });
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
