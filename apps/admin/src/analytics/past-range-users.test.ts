import {
  backfillRollupZone,
  createPool,
  type Db,
  deleteUserData,
  foldRollupQueue,
  requestRollupZone,
} from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PastRangeUsers } from './past-range-users';
import { activityPlan } from './periods';

// The overview's previous period: a range in the past whose end moves with the clock. Its count is
// carried forward from the last one; checked against distinct users counted here in JS after each
// step and after each kind of change that must make it count afresh.
const TZ = 'America/New_York';

let tdb: TestDatabase;
let db: Db;
/** every SQL text the class sent */
const sent: string[] = [];
let past: PastRangeUsers;
const msgs: Array<{ user: string; ts: number }> = [];
let seq = 0;

const start = DateTime.now().setZone(TZ).startOf('day').minus({ days: 100 });
const lastDay = start.plus({ days: 5 });

async function insert(batch: Array<{ user: string; ts: number }>) {
  await db.query(
    `INSERT INTO users (facebook_id, first_seen, last_interaction)
     SELECT DISTINCT u, to_timestamp(0), to_timestamp(0) FROM unnest($1::text[]) u ON CONFLICT DO NOTHING`,
    [batch.map((m) => m.user)],
  );
  await db.query(
    `INSERT INTO conversations (mid, facebook_id, kind, "timestamp", received_at, response_time_ms, status, instance_id)
     SELECT 'p' || n, u, 'text', to_timestamp(t / 1000.0), now(), 100, 'replied', 'bot-1'
       FROM unnest($1::text[], $2::float8[], $3::int[]) AS x(u, t, n)`,
    [batch.map((m) => m.user), batch.map((m) => m.ts), batch.map(() => seq++)],
  );
  msgs.push(...batch);
}

function expected(from: DateTime, end: DateTime): number {
  const users = new Set<string>();
  for (const m of msgs) if (m.ts >= from.toMillis() && m.ts < end.toMillis()) users.add(m.user);
  return users.size;
}

/** counts at `end`; returns the count and whether it was counted afresh */
async function countAt(end: DateTime) {
  const before = sent.length;
  const users = await past.count(activityPlan(TZ, start, end, true));
  const fresh = sent.slice(before).some((q) => q.includes('active_user_count'));
  return { users, fresh };
}

describe('users of a past range whose end moves on', () => {
  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = createPool(tdb.url);
    await requestRollupZone(db, TZ);
    await backfillRollupZone(db, TZ);
    // 40 users over the range's six days, each hour of the last day with a few, some first seen there
    const batch: Array<{ user: string; ts: number }> = [];
    for (let h = 0; h < 6 * 24; h++)
      for (let i = 0; i < 3; i++)
        batch.push({
          user: `u${(h * 7 + i * 13) % (h >= 5 * 24 ? 60 : 40)}`,
          ts: start.plus({ hours: h, minutes: 5 + i * 17 }).toMillis(),
        });
    await insert(batch);
    await foldRollupQueue(db, 100_000, true);
    const counting = {
      query: (text: string, values?: unknown[]) => {
        sent.push(text);
        return db.query(text, values);
      },
    } as unknown as Db;
    past = new PastRangeUsers(counting);
  });
  afterAll(async () => {
    await db.end();
    await tdb.drop();
  });

  it('carries the count forward as the end moves, exact at every step, afresh after a long step', async () => {
    const steps = [1, 1.25, 2, 2.5, 3, 3.1, 4, 9, 9.5, 10, 12, 16, 16.5, 20, 23.75];
    const fresh: boolean[] = [];
    for (const h of steps) {
      const end = lastDay.plus({ minutes: h * 60 });
      const r = await countAt(end);
      expect(r.users, `end at ${h} h`).toBe(expected(start, end));
      fresh.push(r.fresh);
    }
    // counted afresh first and after each step longer than an hour (4 → 9, 12 → 16, 16.5 → 20)
    expect(fresh).toEqual(steps.map((h, i) => i === 0 || h - steps[i - 1]! > 1));
    // carried forward, it still grows with users first seen in the step (u40… on the last day)
    expect(expected(start, lastDay.plus({ hours: 23.75 }))).toBeGreaterThan(
      expected(start, lastDay.plus({ hours: 1 })),
    );
  });

  it('counts afresh when rows before the counted end changed: queued, folded, deleted', async () => {
    let end = lastDay.plus({ hours: 23, minutes: 50 });
    expect((await countAt(end)).users).toBe(expected(start, end));
    // a late row of a new user, two days before the end: still queued
    await insert([{ user: 'late', ts: start.plus({ days: 3, hours: 4 }).toMillis() }]);
    end = end.plus({ minutes: 2 });
    let r = await countAt(end);
    expect(r.users).toBe(expected(start, end));
    expect(r.fresh).toBe(true);
    // folded: the row is in the bitmaps now and the rollup version moved
    await foldRollupQueue(db, 100_000, true);
    end = end.plus({ minutes: 2 });
    r = await countAt(end);
    expect(r.users).toBe(expected(start, end));
    // a data-protection delete of a user seen only before the end
    await deleteUserData(db, 'late');
    msgs.splice(
      msgs.findIndex((m) => m.user === 'late'),
      1,
    );
    end = end.plus({ minutes: 2 });
    r = await countAt(end);
    expect(r.users).toBe(expected(start, end));
    expect(r.fresh).toBe(true);
    // nothing changed: carried forward
    end = end.plus({ minutes: 2 });
    r = await countAt(end);
    expect(r.users).toBe(expected(start, end));
    expect(r.fresh).toBe(false);
  });

  it('counts afresh while the range ends less than 21 hours ago (a late row there may be folded without a version bump)', async () => {
    const recentStart = DateTime.now().setZone(TZ).minus({ hours: 10 });
    // no cover: every row from the raw rows
    const recent = (end: DateTime) => activityPlan(TZ, recentStart, end, false);
    const e1 = recentStart.plus({ hours: 2 });
    await insert([{ user: 'r1', ts: recentStart.plus({ minutes: 30 }).toMillis() }]);
    await foldRollupQueue(db, 100_000, true);
    expect(await past.count(recent(e1))).toBe(expected(recentStart, e1));
    // a row for a new user before the counted end, folded (seconds-old rows bump nothing)
    await insert([{ user: 'r2', ts: recentStart.plus({ minutes: 40 }).toMillis() }]);
    await foldRollupQueue(db, 100_000, true);
    const e2 = e1.plus({ minutes: 1 });
    expect(await past.count(recent(e2))).toBe(expected(recentStart, e2));
  });
});
