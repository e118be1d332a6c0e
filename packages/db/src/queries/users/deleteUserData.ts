import { type Db, LOCKS, withTransaction } from '../../pool';

/**
 * Data-protection delete: a user's messages, inbox events, profile and their share of the rollups,
 * in one transaction under the rollup lock (so the rollups stay equal to the raw rows).
 * Returns null when the user is unknown.
 */
export async function deleteUserData(
  db: Db,
  facebookId: string,
): Promise<{ deleted_messages: number } | null> {
  return withTransaction(db, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.rollup]);
    // The inbox first, in the order store_conversations() locks (inbox, then users): a batch being
    // stored right now either commits first (its rows are deleted below) or finds its inbox rows
    // gone and stores nothing. Acknowledged but unanswered messages are the user's data too.
    await client.query(`DELETE FROM inbox WHERE sender_id = $1`, [facebookId]);
    const { rows: found } = await client.query(`SELECT 1 FROM users WHERE facebook_id = $1 FOR UPDATE`, [
      facebookId,
    ]);
    if (found.length === 0) {
      return null;
    }
    await client.query(
      `WITH folded AS (
         SELECT c."timestamp", c.status, c.response_time_ms FROM conversations c
          WHERE c.facebook_id = $1 AND NOT EXISTS (SELECT 1 FROM rollup_queue q WHERE q.conversation_id = c.id)
       ),
       s AS (
         SELECT date_bin('15 minutes', "timestamp", TIMESTAMPTZ '2001-01-01 00:00:00+00') AS slot, count(*) AS n,
                count(*) FILTER (WHERE status = 'failed') AS f, sum(response_time_ms) AS rs, count(response_time_ms) AS rc
           FROM folded GROUP BY 1
       )
       UPDATE rollup_slots t SET messages = t.messages - s.n, failed = t.failed - s.f,
              response_ms_sum = t.response_ms_sum - s.rs, response_count = t.response_count - s.rc
         FROM s WHERE t.slot = s.slot`,
      [facebookId],
    );
    await client.query(
      `WITH s AS (
         SELECT date_bin('15 minutes', c."timestamp", TIMESTAMPTZ '2001-01-01 00:00:00+00') AS slot, c.model,
                count(*) AS n, coalesce(sum(c.input_tokens), 0) AS it, coalesce(sum(c.cached_tokens), 0) AS ct,
                coalesce(sum(c.output_tokens), 0) AS ot, coalesce(sum(c.reasoning_tokens), 0) AS rt,
                coalesce(sum(c.cost_usd), 0) AS cost, count(*) FILTER (WHERE c.cost_usd IS NULL) AS up,
                count(*) FILTER (WHERE c.block_reason IS NOT NULL) AS bl,
                count(*) FILTER (WHERE c.finish_reason = 'MAX_TOKENS') AS tr
           FROM conversations c
          WHERE c.facebook_id = $1 AND c.model IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM rollup_queue q WHERE q.conversation_id = c.id)
          GROUP BY 1, 2
       )
       UPDATE rollup_gen_ai_slots t SET requests = t.requests - s.n, input_tokens = t.input_tokens - s.it,
              cached_tokens = t.cached_tokens - s.ct, output_tokens = t.output_tokens - s.ot,
              reasoning_tokens = t.reasoning_tokens - s.rt, cost_usd = t.cost_usd - s.cost,
              unpriced = t.unpriced - s.up, blocked = t.blocked - s.bl, truncated = t.truncated - s.tr
         FROM s WHERE t.slot = s.slot AND t.model = s.model`,
      [facebookId],
    );
    await client.query(
      `UPDATE rollup_period_totals t SET users = t.users - 1
         FROM rollup_user_periods m
        WHERE m.facebook_id = $1 AND t.tz = m.tz AND t.grain = m.grain AND t.period = m.period`,
      [facebookId],
    );
    await client.query(`DELETE FROM rollup_user_periods WHERE facebook_id = $1`, [facebookId]);
    await client.query('UPDATE rollup_version SET version = version + 1, deletions = deletions + 1');
    // Their bit in every period's bitmap (numbers are never reused; the number itself goes with the user).
    await client.query(
      `UPDATE rollup_user_bitmaps b SET bits = set_bit(b.bits, n.uid & 8191, 0)
         FROM user_numbers n
        WHERE n.facebook_id = $1 AND b.chunk = n.uid >> 13 AND get_bit(b.bits, n.uid & 8191) = 1`,
      [facebookId],
    );
    const { rowCount } = await client.query(`DELETE FROM conversations WHERE facebook_id = $1`, [facebookId]);
    await client.query(`DELETE FROM users WHERE facebook_id = $1`, [facebookId]);
    return { deleted_messages: rowCount ?? 0 };
  });
}
