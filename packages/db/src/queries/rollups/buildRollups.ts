import { dropForBulk } from '../../bulk-drop';
import type { DbClient } from '../../pool';
import { SLOT_ORIGIN } from './foldRollupQueue';

/** The tables the fold writes (and buildRollups() fills). */
export const ROLLUP_TABLES = [
  'rollup_slots',
  'rollup_gen_ai_slots',
  'rollup_user_periods',
  'rollup_user_bitmaps',
  'rollup_period_totals',
] as const;

/** Whether every rollup table (and the queue) is empty: buildRollups() may then run. */
export async function rollupsEmpty(client: DbClient): Promise<boolean> {
  const { rows } = await client.query<{ empty: boolean }>(
    `SELECT ${['rollup_queue', ...ROLLUP_TABLES].map((t) => `NOT EXISTS (SELECT 1 FROM ${t})`).join(' AND ')} AS empty`,
  );
  return rows[0]!.empty;
}

/**
 * Computes every rollup the fold keeps (slots, Gemini slots, per ready zone the users of each local
 * day, week and month with their bitmaps and totals) from all of `conversations` at once, the way a
 * bulk load into an empty store wants it: set-wise, with no queue in between. For the caller's open
 * transaction, which holds the rollup lock, found the rollups empty (rollupsEmpty()) and queued none
 * of the conversations (the queue trigger disabled): then the result is what folding every row
 * would give. The users of a zone are grouped once per local day, by their number; weeks and
 * months are summed from the days (a third of the work of grouping every row three times, as the
 * fold does).
 */
export async function buildRollups(client: DbClient): Promise<void> {
  const slot = `date_bin('15 minutes', "timestamp", TIMESTAMPTZ '${SLOT_ORIGIN}')`;
  await client.query(
    `INSERT INTO rollup_slots (slot, messages, failed, response_ms_sum, response_count)
     SELECT ${slot}, count(*), count(*) FILTER (WHERE status = 'failed'), sum(response_time_ms), count(response_time_ms)
       FROM conversations GROUP BY 1`,
  );
  await client.query(
    `INSERT INTO rollup_gen_ai_slots (slot, model, requests, input_tokens, cached_tokens, output_tokens,
                                      reasoning_tokens, cost_usd, unpriced, blocked, truncated)
     SELECT ${slot}, model, count(*), coalesce(sum(input_tokens), 0), coalesce(sum(cached_tokens), 0),
            coalesce(sum(output_tokens), 0), coalesce(sum(reasoning_tokens), 0), coalesce(sum(cost_usd), 0),
            count(*) FILTER (WHERE cost_usd IS NULL), count(*) FILTER (WHERE block_reason IS NOT NULL),
            count(*) FILTER (WHERE finish_reason = 'MAX_TOKENS')
       FROM conversations WHERE model IS NOT NULL GROUP BY 1, 2`,
  );
  // Numbers in order of first contact: users active in the same periods sit in the same chunks.
  await client.query(
    `INSERT INTO user_numbers (facebook_id)
     SELECT c.facebook_id FROM conversations c
      WHERE NOT EXISTS (SELECT 1 FROM user_numbers n WHERE n.facebook_id = c.facebook_id)
      GROUP BY c.facebook_id ORDER BY min(c."timestamp"), c.facebook_id`,
  );
  // Into the empty table, its indexes are built once, sorted, after the rows: a 10M-row history's
  // user periods (millions of rows) inserted into them row by row cost more than the grouping.
  const restoreIndexes = await dropForBulk(client, 'rollup_user_periods', 'all indexes');
  // The rows (and numbers) were written in this transaction, after the last statistics: without
  // fresh ones the planner guesses the sizes of the joins and groupings below.
  await client.query('ANALYZE conversations, user_numbers');
  // Users by number, not by id: grouping 10M rows × zones on an integer instead of text halved
  // the day step (88 s → 42 s at 10M rows, two zones), and the bitmaps need the numbers anyway.
  await client.query(
    `CREATE TEMP TABLE botpulse_rollup_days ON COMMIT DROP AS
     SELECT z.tz, (c."timestamp" AT TIME ZONE z.tz)::date AS period, n.uid, count(*)::int AS messages,
            coalesce(sum(c.cost_usd), 0) AS cost_usd, max(c."timestamp") AS last_seen
       FROM conversations c JOIN user_numbers n USING (facebook_id)
      CROSS JOIN (SELECT tz FROM rollup_zones WHERE ready) z
      GROUP BY 1, 2, 3`,
  );
  await client.query('ANALYZE botpulse_rollup_days');
  // Weeks and months summed from the days. rollup_period(): a week starts on its Monday, a month on
  // its first day (as local dates).
  await client.query(
    `CREATE TEMP TABLE botpulse_rollup_periods ON COMMIT DROP AS
     SELECT tz, 'd'::char(1) AS grain, period, uid, messages, cost_usd, last_seen FROM botpulse_rollup_days
     UNION ALL
     SELECT tz, 'w', date_trunc('week', period::timestamp)::date, uid, sum(messages), sum(cost_usd), max(last_seen)
       FROM botpulse_rollup_days GROUP BY 1, 3, 4
     UNION ALL
     SELECT tz, 'm', date_trunc('month', period::timestamp)::date, uid, sum(messages), sum(cost_usd), max(last_seen)
       FROM botpulse_rollup_days GROUP BY 1, 3, 4`,
  );
  await client.query('ANALYZE botpulse_rollup_periods');
  await client.query(
    `INSERT INTO rollup_user_periods (tz, grain, period, facebook_id, messages, cost_usd, last_seen)
     SELECT p.tz, p.grain, p.period, n.facebook_id, p.messages, p.cost_usd, p.last_seen
       FROM botpulse_rollup_periods p JOIN user_numbers n USING (uid)`,
  );
  for (const sql of restoreIndexes) await client.query(sql);
  await client.query(
    `INSERT INTO rollup_user_bitmaps (tz, grain, period, chunk, bits)
     SELECT tz, grain, period, uid >> 13, bit_or(user_bit(uid)) FROM botpulse_rollup_periods GROUP BY 1, 2, 3, 4`,
  );
  await client.query(
    `INSERT INTO rollup_period_totals (tz, grain, period, users)
     SELECT tz, grain, period, count(*) FROM botpulse_rollup_periods GROUP BY 1, 2, 3`,
  );
  await client.query('DROP TABLE botpulse_rollup_days, botpulse_rollup_periods');
  // Settled days changed: caches of them start again.
  await client.query('UPDATE rollup_version SET version = version + 1');
}
