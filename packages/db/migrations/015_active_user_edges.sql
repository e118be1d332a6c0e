-- Up Migration

-- active_user_chunks() of migration 012 read the edges of a range (its rows outside whole days, and
-- the rows still queued) through activity_rows() with an empty cover. activity_rows() also reads the
-- cover's periods from rollup_user_periods, and with empty arrays the planner still walked every
-- row of the zone's three grains, filtering `period = ANY ('{}')`: on the Monitoring page's user
-- figures (today and the last 7 UTC days, every 10 s on each admin) that was ~3/4 of the query's
-- time, growing with the users ever active. The edges are now read from the queue and the raw rows
-- alone; the result is the same.
CREATE OR REPLACE FUNCTION active_user_chunks(p_tz text, months date[], weeks date[], days date[],
                                              days_start timestamptz, days_end timestamptz,
                                              range_start timestamptz, range_end timestamptz)
RETURNS TABLE (chunk integer, bits bit(8192), unnumbered bigint)
LANGUAGE sql STABLE AS $$
  WITH e AS MATERIALIZED (
    SELECT a.facebook_id, n.uid
      FROM (SELECT DISTINCT r.facebook_id
              FROM (SELECT q.facebook_id FROM rollup_queue q
                     WHERE q.ts >= days_start AND q.ts < days_end
                    UNION ALL
                    SELECT c.facebook_id FROM conversations c
                     WHERE c."timestamp" >= range_start AND c."timestamp" < least(days_start, range_end)
                    UNION ALL
                    SELECT c.facebook_id FROM conversations c
                     WHERE c."timestamp" >= greatest(days_end, range_start) AND c."timestamp" < range_end
                       AND days_end > days_start) r) a
      LEFT JOIN user_numbers n USING (facebook_id)
  )
  SELECT x.chunk, bit_or(x.bits), 0::bigint
    FROM (
      SELECT b.chunk, b.bits FROM rollup_user_bitmaps b
       WHERE b.tz = p_tz AND b.grain = 'm' AND b.period = ANY (months)
      UNION ALL
      SELECT b.chunk, b.bits FROM rollup_user_bitmaps b
       WHERE b.tz = p_tz AND b.grain = 'w' AND b.period = ANY (weeks)
      UNION ALL
      SELECT b.chunk, b.bits FROM rollup_user_bitmaps b
       WHERE b.tz = p_tz AND b.grain = 'd' AND b.period = ANY (days)
      UNION ALL
      SELECT e.uid >> 13, user_bit(e.uid) FROM e WHERE e.uid IS NOT NULL
    ) x
   GROUP BY x.chunk
  UNION ALL
  SELECT -1, NULL, count(*) FROM e WHERE e.uid IS NULL
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION active_user_chunks(p_tz text, months date[], weeks date[], days date[],
                                              days_start timestamptz, days_end timestamptz,
                                              range_start timestamptz, range_end timestamptz)
RETURNS TABLE (chunk integer, bits bit(8192), unnumbered bigint)
LANGUAGE sql STABLE AS $$
  WITH e AS MATERIALIZED (
    SELECT a.facebook_id, n.uid
      FROM (SELECT DISTINCT r.facebook_id
              FROM activity_rows(p_tz, '{}'::date[], '{}'::date[], '{}'::date[], days_start, days_end,
                                 range_start, range_end) r) a
      LEFT JOIN user_numbers n USING (facebook_id)
  )
  SELECT x.chunk, bit_or(x.bits), 0::bigint
    FROM (
      SELECT b.chunk, b.bits FROM rollup_user_bitmaps b
       WHERE b.tz = p_tz AND b.grain = 'm' AND b.period = ANY (months)
      UNION ALL
      SELECT b.chunk, b.bits FROM rollup_user_bitmaps b
       WHERE b.tz = p_tz AND b.grain = 'w' AND b.period = ANY (weeks)
      UNION ALL
      SELECT b.chunk, b.bits FROM rollup_user_bitmaps b
       WHERE b.tz = p_tz AND b.grain = 'd' AND b.period = ANY (days)
      UNION ALL
      SELECT e.uid >> 13, user_bit(e.uid) FROM e WHERE e.uid IS NOT NULL
    ) x
   GROUP BY x.chunk
  UNION ALL
  SELECT -1, NULL, count(*) FROM e WHERE e.uid IS NULL
$$;
