-- Up Migration

-- Distinct users of a long range read the fewest memberships that cover it: whole local months,
-- then whole Monday weeks, then single days (the caller computes this cover, each day in exactly
-- one period, so sums over it count every message once). 90 days went from 90 day memberships
-- to ~2 months + ~3 weeks + ~8 days: a third of the rows or less.
DROP FUNCTION IF EXISTS activity_rows(text, date, date, timestamptz, timestamptz, timestamptz, timestamptz);
CREATE FUNCTION activity_rows(p_tz text, months date[], weeks date[], days date[],
                              days_start timestamptz, days_end timestamptz,
                              range_start timestamptz, range_end timestamptz)
RETURNS TABLE (facebook_id text, messages bigint, last_seen timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT m.facebook_id, m.messages::bigint, m.last_seen
    FROM rollup_user_periods m WHERE m.tz = p_tz AND m.grain = 'm' AND m.period = ANY (months)
  UNION ALL
  SELECT m.facebook_id, m.messages::bigint, m.last_seen
    FROM rollup_user_periods m WHERE m.tz = p_tz AND m.grain = 'w' AND m.period = ANY (weeks)
  UNION ALL
  SELECT m.facebook_id, m.messages::bigint, m.last_seen
    FROM rollup_user_periods m WHERE m.tz = p_tz AND m.grain = 'd' AND m.period = ANY (days)
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
DROP FUNCTION IF EXISTS activity_rows(text, date[], date[], date[], timestamptz, timestamptz, timestamptz, timestamptz);
CREATE FUNCTION activity_rows(p_tz text, day_from date, day_to date, days_start timestamptz,
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
