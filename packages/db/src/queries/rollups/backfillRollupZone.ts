import { type Db, LOCKS, withTransaction } from '../../pool';

/**
 * Makes a newly requested time zone's user rollups complete: computes them from every conversation
 * already folded (the queued ones are added by the next fold), then marks the zone ready — in one
 * transaction under the rollup lock, so no conversation is counted twice or missed.
 */
export async function backfillRollupZone(db: Db, tz: string): Promise<void> {
  return withTransaction(db, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.rollup]);
    const { rows } = await client.query<{ ready: boolean }>(`SELECT ready FROM rollup_zones WHERE tz = $1`, [
      tz,
    ]);
    if (rows[0]?.ready !== false) {
      return;
    }
    await client.query(`DELETE FROM rollup_user_periods WHERE tz = $1`, [tz]);
    await client.query(`DELETE FROM rollup_period_totals WHERE tz = $1`, [tz]);
    await client.query(
      `INSERT INTO rollup_user_periods (tz, grain, period, facebook_id, messages, cost_usd, last_seen)
       SELECT $1, g.grain, rollup_period(g.grain, c."timestamp", $1), c.facebook_id, count(*),
              coalesce(sum(c.cost_usd), 0), max(c."timestamp")
         FROM conversations c
        CROSS JOIN (VALUES ('d'::char(1)), ('w'), ('m')) g(grain)
        WHERE NOT EXISTS (SELECT 1 FROM rollup_queue q WHERE q.conversation_id = c.id)
        GROUP BY 2, 3, 4`,
      [tz],
    );
    await client.query(`DELETE FROM rollup_user_bitmaps WHERE tz = $1`, [tz]);
    // Every folded user has a number already (the fold gives them); numbering here only guards it.
    await client.query(
      `INSERT INTO user_numbers (facebook_id)
       SELECT DISTINCT m.facebook_id FROM rollup_user_periods m
        WHERE m.tz = $1 AND m.grain = 'm'
          AND NOT EXISTS (SELECT 1 FROM user_numbers n WHERE n.facebook_id = m.facebook_id)`,
      [tz],
    );
    await client.query(
      `INSERT INTO rollup_user_bitmaps (tz, grain, period, chunk, bits)
       SELECT m.tz, m.grain, m.period, n.uid >> 13, bit_or(user_bit(n.uid))
         FROM rollup_user_periods m JOIN user_numbers n USING (facebook_id)
        WHERE m.tz = $1
        GROUP BY 1, 2, 3, 4`,
      [tz],
    );
    await client.query(
      `INSERT INTO rollup_period_totals (tz, grain, period, users)
       SELECT tz, grain, period, count(*) FROM rollup_user_periods WHERE tz = $1 GROUP BY 1, 2, 3`,
      [tz],
    );
    await client.query('UPDATE rollup_version SET version = version + 1');
    await client.query(`UPDATE rollup_zones SET ready = true, ready_at = now() WHERE tz = $1`, [tz]);
  });
}
