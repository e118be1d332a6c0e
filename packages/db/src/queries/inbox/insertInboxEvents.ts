import type { Queryable } from '../../pool';

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
 */
export async function insertInboxEvents(
  db: Queryable,
  instanceId: string,
  events: NewInboxEvent[],
): Promise<InsertedInboxEvent[]> {
  const { rows } = await db.query<InsertedInboxEvent>(
    `INSERT INTO inbox (dedup_key, sender_id, event_ts, event, claimed_by, claimed_at)
     SELECT DISTINCT ON (x.dedup_key) x.dedup_key, x.sender_id, x.event_ts, x.event, $2, now()
       FROM jsonb_to_recordset($1::jsonb) AS x(dedup_key text, sender_id text, event_ts timestamptz, event jsonb)
      WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.mid = x.dedup_key)
     ON CONFLICT (dedup_key) DO NOTHING
     RETURNING id, dedup_key, received_at`,
    [JSON.stringify(events), instanceId],
  );
  return rows;
}
