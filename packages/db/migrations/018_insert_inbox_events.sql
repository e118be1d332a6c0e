-- Up Migration

-- The webhook's inbox write in one round trip. insertInboxEvents() sent two statements per group
-- commit: the INSERT, then a DELETE of the late duplicates its snapshot could not see (a duplicate
-- inserted while its original's inbox row was being answered: store_conversations() deletes that
-- row and inserts the conversation in one commit). At 1,000 msg/s a group commit holds 1.2 events,
-- so that was 0.85 extra statements per message, each a socket write on the bot and a wake-up of
-- the server. Here both run in one call: each statement of a VOLATILE PL/pgSQL function takes a
-- fresh snapshot under READ COMMITTED, so the DELETE still sees what committed after the INSERT
-- began. Returns the rows inserted and kept.
CREATE OR REPLACE FUNCTION insert_inbox_events(batch jsonb, instance text)
RETURNS TABLE (id bigint, dedup_key text, received_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
DECLARE
  ids bigint[];
  keys text[];
  ats timestamptz[];
  late bigint[];
BEGIN
  -- A dedup_key already in the inbox or already answered is skipped (Meta's retries are stored
  -- once). The mid is looked up by key (LATERAL with LIMIT 1: the planner cannot turn it into a
  -- hash join over the whole table).
  WITH ins AS (
    INSERT INTO inbox (dedup_key, sender_id, event_ts, event, claimed_by, claimed_at)
    SELECT DISTINCT ON (x.dedup_key) x.dedup_key, x.sender_id, x.event_ts, x.event, instance, now()
      FROM jsonb_to_recordset(batch) AS x(dedup_key text, sender_id text, event_ts timestamptz, event jsonb)
      LEFT JOIN LATERAL (SELECT true AS answered FROM conversations c WHERE c.mid = x.dedup_key LIMIT 1) a ON true
     WHERE a.answered IS NULL
    ON CONFLICT (dedup_key) DO NOTHING
    RETURNING inbox.id, inbox.dedup_key, inbox.received_at
  )
  SELECT array_agg(ins.id), array_agg(ins.dedup_key), array_agg(ins.received_at) INTO ids, keys, ats FROM ins;
  IF ids IS NULL THEN
    RETURN;
  END IF;
  -- A new statement, a new snapshot: the late duplicates go.
  WITH d AS (
    DELETE FROM inbox i
     WHERE i.id = ANY (ids)
       AND (SELECT true FROM conversations c WHERE c.mid = i.dedup_key LIMIT 1)
    RETURNING i.id
  )
  SELECT array_agg(d.id) INTO late FROM d;
  RETURN QUERY
    SELECT u.id, u.dedup_key, u.received_at
      FROM unnest(ids, keys, ats) AS u(id, dedup_key, received_at)
     WHERE late IS NULL OR u.id <> ALL (late);
END
$fn$;

-- Down Migration
DROP FUNCTION IF EXISTS insert_inbox_events(jsonb, text);
