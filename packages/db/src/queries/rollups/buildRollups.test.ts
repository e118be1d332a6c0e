import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../pool';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { backfillRollupZone } from './backfillRollupZone';
import { buildRollups, ROLLUP_TABLES, rollupsEmpty } from './buildRollups';
import { foldRollupQueue } from './foldRollupQueue';
import { requestRollupZone } from './requestRollupZone';

/** Every rollup row, in key order (response sums rounded: the fold adds them in another order). */
async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of ROLLUP_TABLES) {
    const { rows } = await db.query(
      t === 'rollup_slots'
        ? `SELECT slot, messages, failed, round(response_ms_sum::numeric, 6) AS response_ms_sum, response_count
             FROM rollup_slots ORDER BY 1`
        : `SELECT * FROM ${t} ORDER BY 1, 2, 3, 4`,
    );
    out[t] = rows;
  }
  return out;
}

/**
 * A bulk load into an empty store computes the rollups from the whole table at once instead of
 * queueing and folding every row: the result must be the fold's, row for row, in every ready zone
 * (days, weeks and months cut at local midnights, across a DST change and a month's end).
 */
describe('buildRollups', () => {
  let tdb: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = createPool(tdb.url, { max: 2 });
    for (const tz of ['America/New_York', 'Asia/Kolkata']) {
      await requestRollupZone(db, tz);
      await backfillRollupZone(db, tz);
    }
    // 300 users over 2026-10-25 … 2026-11-08 (New York leaves DST on 11-01; October ends on a
    // Saturday): replies with and without Gemini usage, failures, a cost that is not priced.
    await db.query(
      `INSERT INTO users (facebook_id, first_seen, last_interaction)
       SELECT 'u' || g, now(), now() FROM generate_series(1, 300) g`,
    );
    await db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at, response_time_ms,
                                  status, instance_id, model, input_tokens, cached_tokens, output_tokens,
                                  reasoning_tokens, cost_usd, finish_reason, block_reason)
       SELECT 'm' || k, 'u' || (1 + (k * 7919) % 300), 'text', 'hi',
              TIMESTAMPTZ '2026-10-25 00:00:00+00' + (k * 317) * interval '1 second', now(), 100 + (k % 997) / 3.0,
              CASE WHEN k % 13 = 0 THEN 'failed' ELSE 'replied' END, 'bot-1',
              CASE WHEN k % 5 = 0 THEN NULL WHEN k % 2 = 0 THEN 'gemini-2.5-flash' ELSE 'gemini-2.5-pro' END,
              CASE WHEN k % 5 <> 0 THEN 100 + k % 50 END, CASE WHEN k % 5 <> 0 THEN k % 7 END,
              CASE WHEN k % 5 <> 0 THEN 20 + k % 30 END, CASE WHEN k % 5 <> 0 THEN k % 3 END,
              CASE WHEN k % 5 <> 0 AND k % 11 <> 0 THEN (k % 100) / 100000.0 END,
              CASE WHEN k % 17 = 0 THEN 'MAX_TOKENS' ELSE 'STOP' END,
              CASE WHEN k % 23 = 0 THEN 'SAFETY' END
         FROM generate_series(1, 4000) k`,
    );
  });
  afterAll(async () => {
    await db?.end();
    await tdb?.drop();
  });

  it('gives, from the whole table at once, the rollups that folding every row gives', async () => {
    const probe = await db.connect();
    try {
      expect(await rollupsEmpty(probe)).toBe(false); // the rows are queued
    } finally {
      probe.release();
    }
    while ((await foldRollupQueue(db, 700, true)) > 0) {}
    const folded = await snapshot(db);
    expect(folded.rollup_user_periods!.length).toBeGreaterThan(3 * 300);
    expect(new Set(folded.rollup_user_periods!.map((r) => (r as { tz: string }).tz))).toEqual(
      new Set(['America/New_York', 'Asia/Kolkata', 'UTC']),
    );

    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query(`TRUNCATE ${ROLLUP_TABLES.join(', ')}, user_numbers`);
      expect(await rollupsEmpty(client)).toBe(true);
      const { rows: before } = await client.query<{ version: string }>('SELECT version FROM rollup_version');
      await buildRollups(client);
      const { rows: after } = await client.query<{ version: string }>('SELECT version FROM rollup_version');
      expect(Number(after[0]!.version)).toBe(Number(before[0]!.version) + 1);
      // Users are numbered again (in order of first contact): compare who is in each bitmap, not bits.
      const { rows: numbers } = await client.query<{ facebook_id: string; uid: number }>(
        'SELECT facebook_id, uid FROM user_numbers',
      );
      expect(numbers).toHaveLength(300);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
    const built = await snapshot(db);
    for (const t of ROLLUP_TABLES.filter((t) => t !== 'rollup_user_bitmaps'))
      expect(built[t], t).toEqual(folded[t]);
    // Each bitmap holds exactly the period's users.
    const { rows: mismatched } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT m.tz, m.grain, m.period, count(*) AS members,
                (SELECT sum(length(replace(b.bits::text, '0', ''))) FROM rollup_user_bitmaps b
                  WHERE (b.tz, b.grain, b.period) = (m.tz, m.grain, m.period)) AS bits,
                count(*) FILTER (WHERE NOT EXISTS (
                  SELECT 1 FROM rollup_user_bitmaps b
                   WHERE (b.tz, b.grain, b.period, b.chunk) = (m.tz, m.grain, m.period, n.uid >> 13)
                     AND substring(b.bits FROM (n.uid & 8191) + 1 FOR 1) = B'1')) AS absent
           FROM rollup_user_periods m JOIN user_numbers n USING (facebook_id)
          GROUP BY 1, 2, 3) x
        WHERE members <> bits OR absent > 0`,
    );
    expect(mismatched[0]!.n).toBe(0);
    expect(built.rollup_user_bitmaps!.length).toBe(folded.rollup_user_bitmaps!.length);
  });
});
