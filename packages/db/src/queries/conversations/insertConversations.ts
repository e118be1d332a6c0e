import type { ConversationStatus, GenAiUsage, MessageKind } from '@botpulse/protocol';
import { type Db, hotStatement } from '../../pool';

/** A conversation row to store; the Gemini fields (`GenAiUsage`) are absent or null for a rule reply. */
export interface NewConversation extends Partial<GenAiUsage> {
  inbox_id: number;
  mid: string;
  facebook_id: string;
  kind: MessageKind;
  message_text: string;
  reply_text: string | null;
  /** ISO instants */
  timestamp: string;
  /** Meta's timestamp when `timestamp` was clamped (more than a few minutes in the future), else null */
  original_timestamp?: string | null;
  received_at: string;
  response_time_ms: number;
  /** stage times (ms), see `REPLY_STAGES`; the remainder of response_time_ms is `other` */
  queue_ms: number | null;
  profile_ms: number | null;
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
  /** null: already stored (a retry) or deleted meanwhile (user deletion), so it is not counted */
  id: number | null;
  new_user: boolean;
  /** the user's name as the live feed shows it, from the stored profile (null when not stored) */
  user_name: string | null;
}

/**
 * Stores a batch of answered messages in one transaction: removes their inbox events and, for those
 * still there (a user deletion may have taken them), upserts the users and inserts the
 * conversations (skipping mids already stored).
 * Ids are handed out under the feed lock, so they grow in commit order across all bots.
 */
export async function insertConversations(db: Db, rows: NewConversation[]): Promise<InsertedConversation[]> {
  if (rows.length === 0) return [];
  // One statement, one round trip: the function takes the feed lock, writes, and commits.
  const { rows: result } = await db.query<{
    mid: string;
    id: number | null;
    new_user: boolean;
    user_name: string | null;
  }>(hotStatement('SELECT mid, id, new_user, user_name FROM store_conversations($1::jsonb)'), [
    JSON.stringify(rows.map((r, n) => ({ ...r, n }))),
  ]);
  // The same mid twice in one batch is stored (and counted) once.
  const seenUsers = new Set<string>();
  const seenIds = new Set<number>();
  return result.map((r, i) => {
    const id = r.id !== null && !seenIds.has(r.id) ? r.id : null;
    if (id !== null) seenIds.add(id);
    const user = rows[i]!.facebook_id;
    const newUser = r.new_user && id !== null && !seenUsers.has(user);
    if (newUser) seenUsers.add(user);
    return { mid: r.mid, id, new_user: newUser, user_name: id === null ? null : r.user_name };
  });
}
