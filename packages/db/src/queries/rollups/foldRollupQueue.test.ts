import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../pool';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { backfillRollupZone } from './backfillRollupZone';
import { foldRollupQueue } from './foldRollupQueue';
import { requestRollupZone } from './requestRollupZone';

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

/**
 * The admin caches the users of a ready zone's local days before today: a fold that writes a row
 * of such a day, however recent the row, must move the rollup version; a fold of live rows must not
 * (it would rebuild those caches every second). A zone whose local hour is 1 here makes the case the
 * older rule (rows over 20 hours old) cannot catch: a row from ten minutes before its midnight.
 */
describe('foldRollupQueue and the rollup version', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  let tdb: TestDatabase;
  let db: Db;
  let seq = 0;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = createPool(tdb.url);
  });
  afterAll(async () => {
    await db?.end();
    await tdb?.drop();
  });

  const version = async () =>
    Number((await db.query<{ v: string }>('SELECT version::text AS v FROM rollup_version')).rows[0]!.v);
  /** start of the local day of `at` in a fixed-offset zone (hours east of UTC) */
  const dayStart = (at: number, offsetH: number) =>
    Math.floor((at + offsetH * HOUR) / DAY) * DAY - offsetH * HOUR;

  async function foldOne(ts: number): Promise<number> {
    const id = `v${seq++}`;
    await db.query(
      `INSERT INTO users (facebook_id, first_seen, last_interaction) VALUES ($1, now(), now())`,
      [id],
    );
    await db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at,
                                  response_time_ms, status, instance_id)
       VALUES ($1, $1, 'text', 'hi', to_timestamp($2 / 1000.0), now(), 10, 'replied', 'bot-1')`,
      [id, ts],
    );
    const before = await version();
    expect(await foldRollupQueue(db, 100, true)).toBe(1);
    return (await version()) - before;
  }

  it('moves for a recent row of a day before a ready zone’s today, not for a live row', async () => {
    const now = Date.now();
    // local hour 1: (1 - UTC hour) hours east, kept within the Etc/GMT zones' -12…+14
    let offset = (((1 - new Date(now).getUTCHours()) % 24) + 24) % 24;
    if (offset > 14) offset -= 24;
    const tz = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`; // POSIX signs
    await requestRollupZone(db, tz);
    await backfillRollupZone(db, tz);
    // UTC is always ready, so it decides too (near UTC midnight a live row can be "yesterday" there)
    const beforeToday = (ts: number) => [0, offset].some((o) => ts < dayStart(now, o));

    const live = now - 2_000;
    expect(await foldOne(live)).toBe(beforeToday(live) ? 1 : 0);
    const lateForYesterday = dayStart(now, offset) - 10 * 60_000;
    expect(now - lateForYesterday).toBeLessThan(20 * HOUR); // not what the 20-hour rule sees
    expect(await foldOne(lateForYesterday)).toBe(1);
  });
});
