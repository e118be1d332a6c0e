import {
  createPool,
  type Db,
  deleteUserData,
  foldRollupQueue,
  getReplyWindowStats,
  type ReplyWindowStats,
} from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplyWindow, select } from './reply-window';

// The reply window kept in memory must say what the database says over the same rows: checked
// against the SQL after each kind of change (new rows, late rows, a delete, a longer window, rows
// ageing out), and it must read only the new rows on a tick.

let tdb: TestDatabase;
let db: Db;
let seq = 0;

/** rows `ageS` seconds old (event time), with response times and statuses */
async function insert(rows: Array<{ user: string; ageS: number; ms: number; failed?: boolean }>) {
  await db.query(
    `INSERT INTO users (facebook_id, first_seen, last_interaction)
     SELECT DISTINCT u, now(), now() FROM unnest($1::text[]) u ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.user)],
  );
  await db.query(
    `INSERT INTO conversations (mid, facebook_id, kind, "timestamp", received_at, response_time_ms, status, instance_id)
     SELECT 'w' || n, u, 'text', now() - age * interval '1 second', now(), ms, CASE WHEN f THEN 'failed' ELSE 'replied' END,
            'bot-1'
       FROM unnest($1::text[], $2::float8[], $3::float8[], $4::bool[], $5::int[]) AS x(u, age, ms, f, n)`,
    [
      rows.map((r) => r.user),
      rows.map((r) => r.ageS),
      rows.map((r) => r.ms),
      rows.map((r) => r.failed ?? false),
      rows.map(() => seq++),
    ],
  );
}

/** n rows spread over `spanS` seconds, ending `fromS` seconds ago, from 50 users */
function spread(n: number, fromS: number, spanS: number, salt: number) {
  return Array.from({ length: n }, (_, i) => ({
    user: `u${(i * 7 + salt) % 50}`,
    ageS: fromS + ((i * 7919) % 1000) * (spanS / 1000),
    // repeated values too, so that ties decide percentile_disc
    ms: i % 10 === 0 ? 1500 : 100 + ((i * 31 + salt) % 900) + (i % 3) * 0.25,
    failed: (i + salt) % 13 === 0,
  }));
}

/** The same SQL as getReplyWindowStats(), at a given instant (the window's last read). */
async function reference(windowS: number, asOfMs: number): Promise<ReplyWindowStats> {
  const { rows } = await db.query<{ messages: string; failed: string; p95_ms: number | null }>(
    `SELECT count(*)::text AS messages, count(*) FILTER (WHERE status = 'failed')::text AS failed,
            percentile_disc(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95_ms
       FROM conversations WHERE "timestamp" > to_timestamp($2::float8 / 1000) - $1 * interval '1 second'`,
    [windowS, asOfMs],
  );
  return { messages: Number(rows[0]!.messages), failed: Number(rows[0]!.failed), p95_ms: rows[0]!.p95_ms };
}

/** Ours against the database's answer at the same instant (so no row crosses the edge in between). */
async function expectSame(window: ReplyWindow, windowS: number) {
  const ours = await window.stats(windowS);
  expect(ours, `${windowS} s`).toEqual(await reference(windowS, window.asOfMs));
  return ours;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPool(tdb.url);
});
afterAll(async () => {
  await db?.end();
  await tdb?.drop();
});

describe('reply window kept in memory', () => {
  it('lets rows age out of the window by the database clock', async () => {
    const window = new ReplyWindow(db);
    expect(await window.stats(5)).toEqual({ messages: 0, failed: 0, p95_ms: null });
    await insert([
      { user: 'a', ageS: 0.1, ms: 10 },
      { user: 'b', ageS: 3.0, ms: 20 },
      { user: 'c', ageS: 3.2, ms: 30, failed: true },
    ]);
    // within 1.8 s of the insert (however slow the machine, the answer is the database's)
    const before = await expectSame(window, 5);
    await new Promise((r) => setTimeout(r, 2_500));
    // b and c are 5.5 s old or more now, out of the window
    const after = await expectSame(window, 5);
    expect(after.messages).toBeLessThan(before.messages);
    expect(after.failed).toBe(0);
    // and the window reads live SQL's answer too, not only the reference's
    expect(await getReplyWindowStats(db, 5)).toEqual(after);
  });

  it('agrees with the database through new rows, late rows, a delete, a longer window and ageing', async () => {
    const window = new ReplyWindow(db);
    const earlier = (await expectSame(window, 600)).messages;

    // inside the window and before it
    await insert([...spread(2_000, 5, 500, 1), ...spread(500, 700, 300, 2)]);
    const first = await expectSame(window, 600);
    expect(first.messages).toBe(earlier + 2_000);
    expect(first.failed).toBeGreaterThan(0);
    await expectSame(window, 60);

    // a tick later: only the new rows are read, late ones (older event times) included where due
    const read = window.rowsRead;
    await insert([
      ...spread(300, 1, 20, 3),
      { user: 'late-in', ageS: 400, ms: 9_999, failed: true },
      { user: 'late-out', ageS: 900, ms: 8_888 },
    ]);
    await expectSame(window, 600);
    expect(window.rowsRead - read).toBe(302);

    // a fold of an old row moves the rollup version, but removes nothing: still only new rows read
    await foldRollupQueue(db, 100_000, true);
    await insert([{ user: 'old', ageS: 2 * 86_400, ms: 7_777 }]);
    const version = async () => (await db.query('SELECT version::int AS v FROM rollup_version')).rows[0].v;
    const moved = await version();
    await foldRollupQueue(db, 100_000, true);
    expect(await version()).toBe(moved + 1);
    const beforeOld = window.rowsRead;
    await expectSame(window, 600);
    expect(window.rowsRead - beforeOld).toBe(1);

    // far more new rows than the window held: read whole again, not page by page
    await insert(spread(25_000, 2, 100, 4));
    await expectSame(window, 600);
    // more than a page of new rows, fewer than the window holds: two pages, those rows only
    const beforePages = window.rowsRead;
    await insert(spread(22_000, 2, 100, 5));
    const all = (await expectSame(window, 600)).messages;
    expect(window.rowsRead - beforePages).toBe(22_000);

    // a data-protection delete of a user with rows in the window
    await deleteUserData(db, 'u7');
    expect((await expectSame(window, 600)).messages).toBeLessThan(all);

    // a longer window than the one kept is read again, longer
    await expectSame(window, 1_200);
    await expectSame(window, 600);
  });

  it('picks the k-th smallest value as a sort would', () => {
    let s = 11;
    const rand = () => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s / 0x7fffffff;
    };
    for (const n of [1, 2, 3, 10, 101, 5_000]) {
      const values = Array.from(
        { length: n },
        () => Math.floor(rand() * (n / 3 + 1)) + rand() * 0.5 * (n % 2),
      );
      const sorted = [...values].sort((a, b) => a - b);
      for (const k of [0, n - 1, Math.ceil(0.95 * n) - 1, n >> 1])
        expect(select(Float64Array.from(values), k), `n ${n}, k ${k}`).toBe(sorted[k]);
    }
  });
});
