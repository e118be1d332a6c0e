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
import { AnalyticsService } from './analytics-service';
import { activityPlan } from './periods';
import { TopUsers } from './top-users';

// The users page over recent days: the settled days come from a cache of per-user sums, today (and
// yesterday in the first minutes after midnight) and every still-queued row from the database on
// each request. Checked against sums done
// here in JS after each kind of change the cache must see: new rows today, a late row for a settled
// day (queued, then folded), a data-protection delete. Each listed user's Gemini cost comes from the
// rollups of the whole range plus the queued rows and edges: checked to the cent's millionth.
const TZ = 'Asia/Kolkata'; // a half-hour offset
interface Msg {
  user: string;
  ts: number;
  /** Gemini cost in millionths of a dollar (exact in numeric and, summed, in float8) */
  micros?: number;
}

let tdb: TestDatabase;
let db: Db;
let service: AnalyticsService;
const msgs: Msg[] = [];
let seq = 0;
const today = DateTime.now().setZone(TZ).startOf('day');
const from = today.minus({ days: 20 });
const q = { from: from.toISODate()!, to: today.toISODate()!, tz: TZ };

async function insert(batch: Msg[]) {
  await db.query(
    `INSERT INTO users (facebook_id, first_name, first_seen, last_interaction)
     SELECT DISTINCT u, 'User ' || right(u, 3), to_timestamp(0), to_timestamp(0) FROM unnest($1::text[]) u
     ON CONFLICT (facebook_id) DO NOTHING`,
    [batch.map((m) => m.user)],
  );
  await db.query(
    `INSERT INTO conversations (mid, facebook_id, kind, "timestamp", received_at, response_time_ms, status,
                                instance_id, cost_usd)
     SELECT 'm' || n, u, 'text', to_timestamp(t / 1000.0), to_timestamp(t / 1000.0), 100, 'replied', 'bot-1',
            micros / 1000000.0
       FROM unnest($1::text[], $2::float8[], $3::int[], $4::int[]) AS x(u, t, n, micros)`,
    [
      batch.map((m) => m.user),
      batch.map((m) => m.ts),
      batch.map(() => seq++),
      batch.map((m) => m.micros ?? null),
    ],
  );
  msgs.push(...batch);
}

function expectedTop(start = from.toMillis(), end = today.plus({ days: 1 }).toMillis()) {
  const by = new Map<string, { messages: number; last: number; micros: number }>();
  for (const m of msgs) {
    if (m.ts < start || m.ts >= end) continue;
    const v = by.get(m.user) ?? { messages: 0, last: 0, micros: 0 };
    v.messages++;
    v.last = Math.max(v.last, m.ts);
    v.micros += m.micros ?? 0;
    by.set(m.user, v);
  }
  return [...by.entries()]
    .sort(([a, x], [b, y]) => y.messages - x.messages || y.last - x.last || (a < b ? -1 : 1))
    .map(([user_id, v]) => ({
      user_id,
      messages: v.messages,
      cost_usd: v.micros / 1e6,
      last_seen: new Date(v.last).toISOString(),
    }));
}

async function allPages(pageSize: number) {
  const out: Array<{ user_id: string; messages: number; cost_usd: number; last_seen: string }> = [];
  for (let page = 1; ; page++) {
    const r = await service.users({ ...q, page: String(page), page_size: String(pageSize) });
    out.push(
      ...r.top.map(({ user_id, messages, cost_usd, last_seen }) => ({
        user_id,
        messages,
        cost_usd,
        last_seen,
      })),
    );
    if (r.top.length < pageSize) return { out, total: r.total };
  }
}

async function check() {
  const want = expectedTop();
  const { out, total } = await allPages(7);
  expect(out).toEqual(want);
  expect(total).toBe(want.length);
  // the first page twice: the second answer comes from the cache
  const first = await service.users({ ...q, page_size: '5' });
  expect(first.top.map((t) => t.user_id)).toEqual(want.slice(0, 5).map((t) => t.user_id));
  // today alone has no settled day: the SQL page, with the same costs
  const todays = await service.users({ ...q, from: q.to, page_size: '100' });
  expect(
    todays.top.map(({ user_id, messages, cost_usd, last_seen }) => ({
      user_id,
      messages,
      cost_usd,
      last_seen,
    })),
  ).toEqual(expectedTop(today.toMillis()));
}

describe('users page: cached settled days plus recent rows', () => {
  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = createPool(tdb.url);
    service = new AnalyticsService(db);
    await requestRollupZone(db, TZ);
    // the zone is rolled up from the start (backfill of an empty database)
    await backfillRollupZone(db, TZ);
    let s = 7;
    const rand = () => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s / 0x7fffffff;
    };
    const batch: Msg[] = [];
    const span = Date.now() - from.minus({ days: 2 }).toMillis();
    for (let i = 0; i < 1500; i++) {
      const user = `77000000${String(Math.floor(rand() ** 2 * 60)).padStart(8, '0')}`;
      // a third of the messages are not Gemini replies (no cost)
      const micros = rand() < 0.33 ? undefined : 1 + Math.floor(rand() * 3000);
      batch.push({ user, ts: from.minus({ days: 2 }).toMillis() + Math.floor(rand() * span), micros });
    }
    await insert(batch);
    await foldRollupQueue(db, 100_000, true);
  });
  afterAll(async () => {
    await db.end();
    await tdb.drop();
  });

  it('pages through every active user in order, all rows folded', async () => {
    await check();
  });

  it('sees rows of today at once (queued), and after they are folded', async () => {
    const last = expectedTop().at(-1)!.user_id;
    const now = Date.now() - 1_000;
    await insert(Array.from({ length: 40 }, (_, i) => ({ user: last, ts: now - i * 10, micros: 700 + i })));
    await insert([{ user: '7700000099999999', ts: now }]);
    await check();
    await foldRollupQueue(db, 100_000, true);
    await check();
  });

  it('sees a late row for a settled day while queued and once folded', async () => {
    const user = expectedTop()[10]!.user_id;
    const ts = from.plus({ days: 3, hours: 5 }).toMillis();
    await insert(Array.from({ length: 30 }, (_, i) => ({ user, ts: ts + i, micros: 1234 })));
    await check();
    await foldRollupQueue(db, 100_000, true);
    await check();
  });

  it('sees a late row for yesterday (settled minutes after midnight) while queued and once folded', async () => {
    const user = expectedTop()[12]!.user_id;
    // a minute before midnight: under 20 hours old for most of the day
    const ts = today.minus({ minutes: 1 }).toMillis();
    await insert(Array.from({ length: 30 }, (_, i) => ({ user, ts: ts + i, micros: 4321 })));
    await check();
    await foldRollupQueue(db, 100_000, true);
    await check();
  });

  it('settles no day the database is still in, however far ahead this process’s clock is', async () => {
    const top = new TopUsers(db);
    const plan = activityPlan(TZ, from, today.plus({ days: 1 }), true);
    expect(await top.page(plan, DateTime.now(), 5, 0)).not.toBeNull();
    // a clock a day ahead would take today as settled, and the fold moves no version for its rows
    expect(await top.page(plan, DateTime.now().plus({ hours: 24, minutes: 10 }), 5, 0)).toBeNull();
  });

  it('drops a deleted user', async () => {
    const user = expectedTop()[0]!.user_id;
    await deleteUserData(db, user);
    msgs.splice(0, msgs.length, ...msgs.filter((m) => m.user !== user));
    await check();
  });
});
