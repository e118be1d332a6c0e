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
 * Both statements look each mid up in conversations by key (LATERAL / a subquery with LIMIT 1: the
 * planner cannot turn them into a hash join over the whole table, which it did for NOT EXISTS and
 * USING on every batch while the table's statistics were missing or small).
 */
export async function insertInboxEvents(
  db: Queryable,
  instanceId: string,
  events: NewInboxEvent[],
): Promise<InsertedInboxEvent[]> {
  const { rows } = await db.query<InsertedInboxEvent>(
    hotStatement(`INSERT INTO inbox (dedup_key, sender_id, event_ts, event, claimed_by, claimed_at)
     SELECT DISTINCT ON (x.dedup_key) x.dedup_key, x.sender_id, x.event_ts, x.event, $2, now()
       FROM jsonb_to_recordset($1::jsonb) AS x(dedup_key text, sender_id text, event_ts timestamptz, event jsonb)
       LEFT JOIN LATERAL (SELECT true AS answered FROM conversations c WHERE c.mid = x.dedup_key LIMIT 1) a ON true
      WHERE a.answered IS NULL
     ON CONFLICT (dedup_key) DO NOTHING
     RETURNING id, dedup_key, received_at`),
    [JSON.stringify(events), instanceId],
  );
  if (rows.length === 0) return rows;
  // The NOT EXISTS above reads the statement's snapshot. A duplicate that waited on the inbox row
  // of its original while that was being answered (store_conversations deletes the inbox row and
  // inserts the conversation in one commit) is inserted anyway: this statement's fresh snapshot
  // sees the conversation, removes the duplicate, and it is not counted as a new message.
  const { rows: late } = await db.query<{ id: number }>(
    hotStatement(`DELETE FROM inbox i
      WHERE i.id = ANY ($1::bigint[])
        AND (SELECT true FROM conversations c WHERE c.mid = i.dedup_key LIMIT 1)
      RETURNING i.id`),
    [rows.map((r) => r.id)],
  );
  if (late.length === 0) return rows;
  const gone = new Set(late.map((r) => Number(r.id)));
  return rows.filter((r) => !gone.has(Number(r.id)));
}
