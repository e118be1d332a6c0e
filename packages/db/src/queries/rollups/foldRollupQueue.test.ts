import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../pool';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { foldRollupQueue } from './foldRollupQueue';

interface Scans {
  seq: number;
  idx: number;
}

/**
 * A live fold takes a few hundred queued rows out of a table of millions: it must look them (and
 * their users' numbers) up by key. Planned as a join against the whole table, a tick's cost grew
 * with the table (2 cores: 112 ms a tick at 50k rows, 205 ms at 300k, for the same 1,250 rows).
 */
describe('foldRollupQueue', () => {
  let tdb: TestDatabase;
  let db: Db;
  let next = 0;

  async function addMessages(users: number, perUser: number): Promise<void> {
    await db.query(
      `INSERT INTO users (facebook_id, first_seen, last_interaction)
       SELECT 'u' || g, now(), now() FROM generate_series($1::int, $1::int + $2::int - 1) g`,
      [next, users],
    );
    await db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at,
                                  response_time_ms, status, instance_id)
       SELECT 'm' || g || '_' || k, 'u' || g, 'text', 'hi', now() - k * interval '1 minute', now(), 10, 'replied', 'bot-1'
         FROM generate_series($1::int, $1::int + $2::int - 1) g, generate_series(1, $3::int) k`,
      [next, users, perUser],
    );
    next += users;
  }

  /** sequential and index scans of a table so far (statistics flushed first) */
  async function scans(table: string): Promise<Scans> {
    await db.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await db.query<{ seq: string; idx: string }>(
      `SELECT coalesce(seq_scan, 0) AS seq, coalesce(idx_scan, 0) AS idx FROM pg_stat_user_tables WHERE relname = $1`,
      [table],
    );
    return { seq: Number(rows[0]!.seq), idx: Number(rows[0]!.idx) };
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    // one connection: the statistics read are this session's, flushed on demand
    db = createPool(tdb.url, { max: 1 });
    // 30,000 rows, folded; the planner's statistics lag behind, as under a live load
    await addMessages(10_000, 3);
    while ((await foldRollupQueue(db, 5_000, true)) > 0) {}
  });
  afterAll(async () => {
    await db?.end();
    await tdb?.drop();
  });

  it('reads the queued rows and their users by key, not by scanning the tables', async () => {
    await addMessages(40, 1); // new users
    await db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at,
                                  response_time_ms, status, instance_id)
       SELECT 'again' || g, 'u' || g, 'text', 'hi', now(), now(), 10, 'replied', 'bot-1' FROM generate_series(0, 39) g`,
    ); // users numbered before
    const before = { conversations: await scans('conversations'), numbers: await scans('user_numbers') };
    expect(await foldRollupQueue(db, 5_000, true)).toBe(80);
    const after = { conversations: await scans('conversations'), numbers: await scans('user_numbers') };
    expect(after.conversations.seq).toBe(before.conversations.seq);
    expect(after.numbers.seq).toBe(before.numbers.seq);
    // …and the lookups happened (the statistics are live: this is not a vacuous pass)
    expect(after.conversations.idx).toBeGreaterThan(before.conversations.idx);
    expect(after.numbers.idx).toBeGreaterThan(before.numbers.idx);

    const { rows } = await db.query<{ numbered: number }>(
      `SELECT count(*)::int AS numbered FROM user_numbers`,
    );
    expect(rows[0]!.numbered).toBe(10_040);
  });
});
