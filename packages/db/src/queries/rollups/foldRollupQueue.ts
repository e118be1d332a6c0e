import { type Db, LOCKS, withTransaction } from '../../pool';

export const SLOT_ORIGIN = '2001-01-01 00:00:00+00';

/**
 * Folds up to `limit` queued conversations into the rollups, in one transaction under the rollup
 * lock (one process at a time, however many admins run): 15-minute slots for counts and response
 * times, Gemini tokens and cost per slot and model; per ready time zone, who was active in which
 * local day/week/month (rows and bitmaps of dense user numbers, numbering users folded for the
 * first time) and how many.
 * `workMem` (a bulk load's fold) raises work_mem for this transaction only.
 * Returns how many conversations were folded (0: the queue is empty, or another process holds the lock).
 */
export async function foldRollupQueue(
  db: Db,
  limit: number,
  wait = false,
  options: { workMem?: string } = {},
): Promise<number> {
  return withTransaction(db, async (client) => {
    const { rows: lock } = await client.query<{ ok: boolean }>(
      wait
        ? 'SELECT true AS ok FROM pg_advisory_xact_lock($1)'
        : 'SELECT pg_try_advisory_xact_lock($1) AS ok',
      [LOCKS.rollup],
    );
    if (!lock[0]?.ok) {
      return 0;
    }
    // A bulk fold (hundreds of thousands of rows) sorts and hashes in memory instead of on disk.
    if (options.workMem) await client.query(`SELECT set_config('work_mem', $1, true)`, [options.workMem]);
    const { rows } = await client.query<{ folded: number }>(
      `WITH q AS (
         DELETE FROM rollup_queue
          WHERE conversation_id IN (SELECT conversation_id FROM rollup_queue ORDER BY conversation_id LIMIT $1)
         RETURNING conversation_id
       ),
       -- The batch's rows are looked up one by one (OFFSET 0 keeps each lookup a subquery the
       -- planner cannot turn into a join): estimating the batch at the limit, it otherwise hashes
       -- the whole table, so a tick's cost grew with the table (a million rows: a full scan a tick).
       batch AS (
         SELECT c.facebook_id, c."timestamp" AS ts, c.response_time_ms AS rt, c.status, c.model,
                c.input_tokens, c.cached_tokens, c.output_tokens, c.reasoning_tokens, c.cost_usd,
                c.block_reason, c.finish_reason
           FROM q CROSS JOIN LATERAL (SELECT * FROM conversations c WHERE c.id = q.conversation_id OFFSET 0) c
       ),
       slots AS (
         INSERT INTO rollup_slots AS s (slot, messages, failed, response_ms_sum, response_count)
         SELECT date_bin('15 minutes', ts, TIMESTAMPTZ '${SLOT_ORIGIN}'), count(*),
                count(*) FILTER (WHERE status = 'failed'), sum(rt), count(rt)
           FROM batch GROUP BY 1
         ON CONFLICT (slot) DO UPDATE SET
           messages = s.messages + EXCLUDED.messages,
           failed = s.failed + EXCLUDED.failed,
           response_ms_sum = s.response_ms_sum + EXCLUDED.response_ms_sum,
           response_count = s.response_count + EXCLUDED.response_count
       ),
       gen_ai AS (
         INSERT INTO rollup_gen_ai_slots AS g (slot, model, requests, input_tokens, cached_tokens, output_tokens,
                                               reasoning_tokens, cost_usd, unpriced, blocked, truncated)
         SELECT date_bin('15 minutes', ts, TIMESTAMPTZ '${SLOT_ORIGIN}'), model, count(*),
                coalesce(sum(input_tokens), 0), coalesce(sum(cached_tokens), 0), coalesce(sum(output_tokens), 0),
                coalesce(sum(reasoning_tokens), 0), coalesce(sum(cost_usd), 0),
                count(*) FILTER (WHERE cost_usd IS NULL), count(*) FILTER (WHERE block_reason IS NOT NULL),
                count(*) FILTER (WHERE finish_reason = 'MAX_TOKENS')
           FROM batch WHERE model IS NOT NULL GROUP BY 1, 2
         ON CONFLICT (slot, model) DO UPDATE SET
           requests = g.requests + EXCLUDED.requests,
           input_tokens = g.input_tokens + EXCLUDED.input_tokens,
           cached_tokens = g.cached_tokens + EXCLUDED.cached_tokens,
           output_tokens = g.output_tokens + EXCLUDED.output_tokens,
           reasoning_tokens = g.reasoning_tokens + EXCLUDED.reasoning_tokens,
           cost_usd = g.cost_usd + EXCLUDED.cost_usd,
           unpriced = g.unpriced + EXCLUDED.unpriced,
           blocked = g.blocked + EXCLUDED.blocked,
           truncated = g.truncated + EXCLUDED.truncated
       ),
       -- Users folded for the first time get their dense number (only folds and backfills, under
       -- the rollup lock, write numbers: no race between the lookup and the insert). Looked up user
       -- by user, like the batch's rows, not by a scan of every numbered user.
       users AS (
         SELECT b.facebook_id, n.uid
           FROM (SELECT DISTINCT facebook_id FROM batch) b
           LEFT JOIN LATERAL (SELECT uid FROM user_numbers n WHERE n.facebook_id = b.facebook_id OFFSET 0) n ON true
       ),
       numbered AS (
         INSERT INTO user_numbers (facebook_id)
         SELECT facebook_id FROM users WHERE uid IS NULL
         RETURNING facebook_id, uid
       ),
       nums AS (
         SELECT facebook_id, uid FROM users WHERE uid IS NOT NULL
         UNION ALL
         SELECT facebook_id, uid FROM numbered
       ),
       agg AS (
         SELECT z.tz, g.grain, rollup_period(g.grain, b.ts, z.tz) AS period, b.facebook_id,
                count(*) AS n, coalesce(sum(b.cost_usd), 0) AS cost, max(b.ts) AS last_seen
           FROM batch b
          CROSS JOIN (SELECT tz FROM rollup_zones WHERE ready) z
          CROSS JOIN (VALUES ('d'::char(1)), ('w'), ('m')) g(grain)
          GROUP BY 1, 2, 3, 4
       ),
       members AS (
         INSERT INTO rollup_user_periods AS m (tz, grain, period, facebook_id, messages, cost_usd, last_seen)
         SELECT tz, grain, period, facebook_id, n, cost, last_seen FROM agg
         ON CONFLICT (tz, grain, period, facebook_id) DO UPDATE SET
           messages = m.messages + EXCLUDED.messages,
           cost_usd = m.cost_usd + EXCLUDED.cost_usd,
           last_seen = greatest(m.last_seen, EXCLUDED.last_seen)
         RETURNING tz, grain, period, (xmax = 0) AS is_new
       ),
       -- OR is idempotent: folding a member twice leaves its bitmap as it was.
       bitmaps AS (
         INSERT INTO rollup_user_bitmaps AS r (tz, grain, period, chunk, bits)
         SELECT a.tz, a.grain, a.period, n.uid >> 13, bit_or(user_bit(n.uid))
           FROM agg a JOIN nums n ON n.facebook_id = a.facebook_id
          GROUP BY 1, 2, 3, 4
         ON CONFLICT (tz, grain, period, chunk) DO UPDATE SET bits = r.bits | EXCLUDED.bits
       ),
       -- The admin caches what it takes as settled: the users of a ready zone's local days before
       -- today, and distinct users of ranges that ended over 21 hours ago. A row for either moves
       -- the version. A live fold folds seconds-old rows and writes nothing here, but in the
       -- seconds after a zone's midnight (the admin waits a few minutes before it settles the day).
       -- The clock as this statement runs, not now(): a fold that waited for the lock (a bulk load
       -- behind a backfill) would otherwise decide by the time its transaction began.
       history AS (
         UPDATE rollup_version SET version = version + 1
          WHERE (SELECT min(ts) FROM batch) < clock_timestamp() - interval '20 hours'
             OR EXISTS (SELECT 1 FROM rollup_zones z
                         WHERE z.ready AND (SELECT min(ts) FROM batch) < date_trunc('day', clock_timestamp(), z.tz))
       ),
       totals AS (
         INSERT INTO rollup_period_totals AS t (tz, grain, period, users)
         SELECT tz, grain, period, count(*) FILTER (WHERE is_new) FROM members GROUP BY 1, 2, 3
         ON CONFLICT (tz, grain, period) DO UPDATE SET users = t.users + EXCLUDED.users
       )
       SELECT count(*) AS folded FROM q`,
      [limit],
    );
    return rows[0]!.folded;
  });
}
