import { hotStatement, type Queryable } from '../../pool';

export interface NewInboxEvent {
  dedup_key: string;
  sender_id: string;
  event_ts: string;
  event: unknown;
}

export interface InsertedInboxEvent {
  id: number;
  dedup_key: string;
  received_at: Date;
}

/**
 * Stores webhook events durably, claimed by the instance that received them. A `dedup_key` already
 * in the inbox or already answered in `conversations` is skipped: Meta's retries are stored once.
 * Returns the rows really inserted, so callers count what was stored, not what was attempted.
 *
 * One round trip (insert_inbox_events(), migration 018): the insert, then, in a fresh snapshot, the
 * removal of a duplicate that waited on the inbox row of its original while that was being answered
 * (store_conversations deletes the inbox row and inserts the conversation in one commit): inserted
 * anyway, it is removed and not counted as a new message.
 */
export async function insertInboxEvents(
  db: Queryable,
  instanceId: string,
  events: NewInboxEvent[],
): Promise<InsertedInboxEvent[]> {
  const { rows } = await db.query<InsertedInboxEvent>(
    hotStatement('SELECT id, dedup_key, received_at FROM insert_inbox_events($1::jsonb, $2)'),
    [JSON.stringify(events), instanceId],
  );
  return rows;
}
