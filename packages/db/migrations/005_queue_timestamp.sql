-- Up Migration

-- The still-queued rows are read by time range on every analytics query. Joining the queue to
-- conversations made the planner scan the queue, a table with heavy churn (after a bulk import, or
-- between two autovacuum runs, millions of dead rows): the queue now carries the message time and
-- user, indexed by time, so those reads are index range scans over the queue alone.
ALTER TABLE rollup_queue ADD COLUMN ts timestamptz, ADD COLUMN facebook_id text;
UPDATE rollup_queue q SET ts = c."timestamp", facebook_id = c.facebook_id
  FROM conversations c WHERE c.id = q.conversation_id;
ALTER TABLE rollup_queue ALTER COLUMN ts SET NOT NULL, ALTER COLUMN facebook_id SET NOT NULL;
CREATE INDEX idx_rollup_queue_ts ON rollup_queue (ts) INCLUDE (conversation_id, facebook_id);

CREATE OR REPLACE FUNCTION enqueue_conversations_for_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_queue (conversation_id, ts, facebook_id)
  SELECT id, "timestamp", facebook_id FROM new_rows;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION slot_counts(from_ts timestamptz, to_ts timestamptz)
RETURNS TABLE (slot timestamptz, messages bigint, failed bigint, response_ms_sum float8, response_count bigint)
LANGUAGE sql STABLE AS $$
  SELECT s.slot, s.messages::bigint, s.failed::bigint, s.response_ms_sum, s.response_count::bigint
    FROM rollup_slots s
   WHERE s.slot >= from_ts AND s.slot < to_ts
  UNION ALL
  SELECT date_bin('15 minutes', q.ts, TIMESTAMPTZ '2001-01-01 00:00:00+00'), 1,
         (c.status = 'failed')::int, c.response_time_ms, 1
    FROM rollup_queue q JOIN conversations c ON c.id = q.conversation_id
   WHERE q.ts >= from_ts AND q.ts < to_ts
$$;

CREATE OR REPLACE FUNCTION activity_rows(p_tz text, day_from date, day_to date, days_start timestamptz,
                                         days_end timestamptz, range_start timestamptz, range_end timestamptz)
RETURNS TABLE (facebook_id text, messages bigint, last_seen timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT m.facebook_id, m.messages::bigint, m.last_seen
    FROM rollup_user_periods m
   WHERE m.tz = p_tz AND m.grain = 'd' AND m.period >= day_from AND m.period < day_to
  UNION ALL
  SELECT q.facebook_id, 1, q.ts
    FROM rollup_queue q
   WHERE q.ts >= days_start AND q.ts < days_end
  UNION ALL
  SELECT c.facebook_id, 1, c."timestamp" FROM conversations c
   WHERE c."timestamp" >= range_start AND c."timestamp" < least(days_start, range_end)
  UNION ALL
  SELECT c.facebook_id, 1, c."timestamp" FROM conversations c
   WHERE c."timestamp" >= greatest(days_end, range_start) AND c."timestamp" < range_end
     AND days_end > days_start
$$;

-- Down Migration
DROP INDEX IF EXISTS idx_rollup_queue_ts;
ALTER TABLE rollup_queue DROP COLUMN IF EXISTS ts, DROP COLUMN IF EXISTS facebook_id;
