import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../pool';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { foldRollupQueue } from '../rollups/foldRollupQueue';
import { getUserTotals } from './getUserTotals';

const DAY = 86_400_000;

describe('getUserTotals', () => {
  let tdb: TestDatabase;
  let db: Db;
  const now = Date.now();
  const today = Math.floor(now / DAY) * DAY;
  // 60 users over the last 10 UTC days: user i writes on day (i % 10) before today (every third
  // twice), every seventh also 8 days back, every fifth today too (a minute ago at most).
  const rows: Array<{ user: string; ts: number }> = [];
  for (let i = 0; i < 60; i++) {
    const user = `u${i}`;
    rows.push({ user, ts: today - (i % 10) * DAY + 1_000 + i });
    if (i % 3 === 0) rows.push({ user, ts: today - (i % 10) * DAY + 2_000 + i });
    if (i % 7 === 0) rows.push({ user, ts: today - 8 * DAY + 3_000 + i });
    if (i % 5 === 0) rows.push({ user, ts: Math.max(today, now - 60_000) + i });
  }
  // and three users who wrote today only (last: still queued when first counted)
  for (let i = 61; i < 64; i++) rows.push({ user: `u${i}`, ts: Math.max(today, now - 60_000) + i });
  const seen = (from: number) =>
    new Set(rows.filter((r) => r.ts >= from && r.ts <= now).map((r) => r.user)).size;
  let mid = 0;

  async function insert(part: typeof rows): Promise<void> {
    await db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at,
                                  response_time_ms, status, instance_id)
       SELECT 'm' || ($3::int + n), u, 'text', 'hi', to_timestamp(t / 1000.0), now(), 10, 'replied', 'bot-1'
         FROM unnest($1::text[], $2::float8[]) WITH ORDINALITY AS x(u, t, n)`,
      [part.map((r) => r.user), part.map((r) => r.ts), mid],
    );
    mid += part.length;
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = createPool(tdb.url);
    await db.query(
      `INSERT INTO users (facebook_id, first_seen, last_interaction)
       SELECT 'u' || g, now(), now() FROM generate_series(0, 63) g`, // u60 never wrote
    );
  });
  afterAll(async () => {
    await db?.end();
    await tdb?.drop();
  });

  it('counts distinct users today and in the last 7 UTC days, folded or still queued', async () => {
    const expected = { total: 64, active_today: seen(today), active_this_week: seen(today - 6 * DAY) };
    // sanity of the fixture: the figures differ, so a mix-up of the ranges shows
    expect(new Set(Object.values(expected)).size).toBe(3);

    await insert(rows.slice(0, 60));
    await foldRollupQueue(db, 30, true); // part folded…
    await insert(rows.slice(60)); // …part still queued, some users in both
    expect(await getUserTotals(db, new Date(now))).toEqual(expected);

    while ((await foldRollupQueue(db, 1_000, true)) > 0) {}
    expect(await getUserTotals(db, new Date(now))).toEqual(expected);
  });
});
