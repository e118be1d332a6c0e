-- Up Migration

-- Analytics read the rollups plus the conversations still waiting in rollup_queue, so answers are
-- exact up to the last committed message however far the folding lags. These two functions are
-- the only place that union is written.

-- Message counts per 15-minute slot in [from_ts, to_ts) (both on slot boundaries): folded slots,
-- plus one row per still-queued conversation. Callers sum.
CREATE FUNCTION slot_counts(from_ts timestamptz, to_ts timestamptz)
RETURNS TABLE (slot timestamptz, messages bigint, failed bigint, response_ms_sum float8, response_count bigint)
LANGUAGE sql STABLE AS $$
  SELECT s.slot, s.messages::bigint, s.failed::bigint, s.response_ms_sum, s.response_count::bigint
    FROM rollup_slots s
   WHERE s.slot >= from_ts AND s.slot < to_ts
  UNION ALL
  SELECT date_bin('15 minutes', c."timestamp", TIMESTAMPTZ '2001-01-01 00:00:00+00'), 1,
         (c.status = 'failed')::int, c.response_time_ms, 1
    FROM rollup_queue q JOIN conversations c ON c.id = q.conversation_id
   WHERE c."timestamp" >= from_ts AND c."timestamp" < to_ts
$$;

-- Who was active in [range_start, range_end) in zone p_tz, as (user, messages, last seen) rows to
-- be grouped by the caller: whole local days [day_from, day_to) — which begin at days_start and end
-- at days_end — from the day rollup plus still-queued conversations; the partial days at both
-- ends from the raw rows. With no whole days, pass day_from = day_to and days_start = days_end =
-- range_end: everything comes from the raw rows.
CREATE FUNCTION activity_rows(p_tz text, day_from date, day_to date, days_start timestamptz,
                              days_end timestamptz, range_start timestamptz, range_end timestamptz)
RETURNS TABLE (facebook_id text, messages bigint, last_seen timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT m.facebook_id, m.messages::bigint, m.last_seen
    FROM rollup_user_periods m
   WHERE m.tz = p_tz AND m.grain = 'd' AND m.period >= day_from AND m.period < day_to
  UNION ALL
  SELECT c.facebook_id, 1, c."timestamp"
    FROM rollup_queue q JOIN conversations c ON c.id = q.conversation_id
   WHERE c."timestamp" >= days_start AND c."timestamp" < days_end
  UNION ALL
  SELECT c.facebook_id, 1, c."timestamp" FROM conversations c
   WHERE c."timestamp" >= range_start AND c."timestamp" < least(days_start, range_end)
  UNION ALL
  SELECT c.facebook_id, 1, c."timestamp" FROM conversations c
   WHERE c."timestamp" >= greatest(days_end, range_start) AND c."timestamp" < range_end
     AND days_end > days_start
$$;

-- Down Migration
DROP FUNCTION IF EXISTS activity_rows(text, date, date, timestamptz, timestamptz, timestamptz, timestamptz);
DROP FUNCTION IF EXISTS slot_counts(timestamptz, timestamptz);
