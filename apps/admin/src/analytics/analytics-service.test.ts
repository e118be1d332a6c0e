import { backfillRollupZone, createPool, type Db, foldRollupQueue, requestRollupZone } from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsService } from './analytics-service';

// Generated messages spanning the spring and autumn DST changes of New York and Berlin, checked
// against an independent computation done here in the test with luxon (not with SQL).
interface Msg {
  user: string;
  ts: number;
  rt: number;
}

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function generate(): Msg[] {
  const rand = rng(42);
  const msgs: Msg[] = [];
  const windows = [
    [Date.UTC(2026, 1, 20), Date.UTC(2026, 3, 12)],
    [Date.UTC(2026, 9, 15), Date.UTC(2026, 10, 12)],
  ] as const;
  for (const [a, b] of windows) {
    for (let i = 0; i < 2500; i++) {
      const user = `65120000${String(Math.floor(rand() ** 2 * 150)).padStart(8, '0')}`;
      msgs.push({ user, ts: Math.floor(a + rand() * (b - a)), rt: 50 + rand() * 900 });
    }
  }
  // Messages right at local midnights and DST jumps, where off-by-one-hour mistakes show.
  const edges = [
    '2026-03-08T00:00:00-05:00',
    '2026-03-07T23:59:59.999-05:00',
    '2026-03-08T03:00:00-04:00',
    '2026-11-01T01:30:00-04:00',
    '2026-11-01T01:30:00-05:00',
    '2026-11-02T00:00:00-05:00',
    '2026-03-29T00:00:00+01:00',
    '2026-03-29T03:00:00+02:00',
    '2026-10-25T02:30:00+02:00',
    '2026-10-25T02:30:00+01:00',
    '2026-10-26T00:00:00+01:00',
    '2026-03-09T00:15:00+05:45',
  ];
  for (const [i, iso] of edges.entries()) {
    msgs.push({ user: `6512999900000${String(i).padStart(3, '0')}`, ts: Date.parse(iso), rt: 100 });
  }
  return msgs;
}

const MSGS = generate();

function localKey(ts: number, tz: string, unit: 'hour' | 'day' | 'week' | 'month'): string {
  return DateTime.fromMillis(ts, { zone: tz }).startOf(unit).toISO({ suppressMilliseconds: true })!;
}

/** The independent reference: group the generated messages in JS. */
function expected(tz: string, unit: 'hour' | 'day' | 'week' | 'month', startIso: string, endIso: string) {
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  const map = new Map<string, { messages: number; users: Set<string> }>();
  for (const m of MSGS) {
    if (m.ts < start || m.ts >= end) continue;
    const k = localKey(m.ts, tz, unit);
    const v = map.get(k) ?? { messages: 0, users: new Set() };
    v.messages++;
    v.users.add(m.user);
    map.set(k, v);
  }
  return map;
}

function distinctUsers(startMs: number, endMs: number) {
  return new Set(MSGS.filter((m) => m.ts >= startMs && m.ts < endMs).map((m) => m.user));
}

describe('AnalyticsService against an independent computation', () => {
  let tdb: TestDatabase;
  let db: Db;
  let service: AnalyticsService;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = createPool(tdb.url);
    service = new AnalyticsService(db);
    const firstSeen = new Map<string, number>();
    for (const m of MSGS) firstSeen.set(m.user, Math.min(firstSeen.get(m.user) ?? Infinity, m.ts));
    await db.query(
      `INSERT INTO users (facebook_id, first_name, first_seen, last_interaction)
       SELECT id, 'User ' || right(id, 3), to_timestamp(t / 1000.0), to_timestamp(t / 1000.0)
         FROM unnest($1::text[], $2::float8[]) AS x(id, t)`,
      [[...firstSeen.keys()], [...firstSeen.values()]],
    );
    await db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, "timestamp", received_at, response_time_ms, status, instance_id)
       SELECT 'm' || n, u, 'text', 'hi', to_timestamp(t / 1000.0), to_timestamp(t / 1000.0), rt, 'replied', 'bot-1'
         FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS x(u, t, rt, n)`,
      [MSGS.map((m) => m.user), MSGS.map((m) => m.ts), MSGS.map((m) => m.rt)],
    );
    // Fold part of the queue: answers must combine folded rollups and still-queued rows.
    await foldRollupQueue(db, 3000, true);
  });
  afterAll(async () => {
    await db.end();
    await tdb.drop();
  });

  const cases = [
    { tz: 'America/New_York', from: '2026-03-01', to: '2026-03-15' },
    { tz: 'Europe/Berlin', from: '2026-03-22', to: '2026-04-05' },
    { tz: 'America/New_York', from: '2026-10-25', to: '2026-11-08' },
    { tz: 'Europe/Berlin', from: '2026-10-20', to: '2026-10-31' },
    { tz: 'Asia/Kathmandu', from: '2026-03-01', to: '2026-03-31' },
    // A whole month, whole weeks and single days on both sides: the rollup cover's three grains.
    { tz: 'Europe/Berlin', from: '2026-02-21', to: '2026-04-09' },
  ];

  for (const phase of ['raw (zone not rolled up yet)', 'rollups (zone backfilled)'] as const) {
    describe(phase, () => {
      beforeAll(async () => {
        if (phase.startsWith('rollups')) {
          for (const tz of new Set(cases.map((c) => c.tz))) {
            await requestRollupZone(db, tz);
            await backfillRollupZone(db, tz);
          }
          await foldRollupQueue(db, 1000, true);
        }
      });

      for (const c of cases) {
        for (const granularity of ['day', 'week', 'month'] as const) {
          it(`timeline ${granularity} ${c.tz} ${c.from}..${c.to}`, async () => {
            const res = await service.timeline({ ...c, granularity });
            const startIso = DateTime.fromISO(c.from, { zone: c.tz }).toISO()!;
            const endIso = DateTime.fromISO(c.to, { zone: c.tz }).plus({ days: 1 }).toISO()!;
            const ref = expected(c.tz, granularity, startIso, endIso);
            for (const b of res.buckets) {
              const key = DateTime.fromISO(b.start, { setZone: true })
                .setZone(c.tz)
                .toISO({ suppressMilliseconds: true })!;
              const want = ref.get(key);
              expect({ start: b.start, messages: b.messages, users: b.users }).toEqual({
                start: b.start,
                messages: want?.messages ?? 0,
                users: want?.users.size ?? 0,
              });
            }
            const total = [...ref.values()].reduce((n, v) => n + v.messages, 0);
            expect(res.buckets.reduce((n, b) => n + b.messages, 0)).toBe(total);
            if (granularity === 'day') {
              const days = DateTime.fromISO(c.to).diff(DateTime.fromISO(c.from), 'days').days + 1;
              expect(res.buckets).toHaveLength(days);
              expect(res.previous).toHaveLength(days);
            }
          });
        }
      }

      it('labels local days with their own offset across the spring change (23 h day)', async () => {
        const res = await service.timeline({ tz: 'America/New_York', from: '2026-03-07', to: '2026-03-09' });
        expect(res.buckets.map((b) => b.start)).toEqual([
          '2026-03-07T00:00:00-05:00',
          '2026-03-08T00:00:00-05:00',
          '2026-03-09T00:00:00-04:00',
        ]);
      });

      it('hourly buckets keep both 01:00 hours of the autumn change apart', async () => {
        const res = await service.timeline({
          tz: 'America/New_York',
          granularity: 'hour',
          from: '2026-11-01T00:00:00-04:00',
          to: '2026-11-01T04:00:00-05:00',
        });
        expect(res.buckets.map((b) => b.start)).toEqual([
          '2026-11-01T00:00:00-04:00',
          '2026-11-01T01:00:00-04:00',
          '2026-11-01T01:00:00-05:00',
          '2026-11-01T02:00:00-05:00',
          '2026-11-01T03:00:00-05:00',
        ]);
        const ref = expected(
          'America/New_York',
          'hour',
          '2026-11-01T00:00:00-04:00',
          '2026-11-01T04:00:00-05:00',
        );
        expect(res.buckets.map((b) => b.messages)).toEqual(
          res.buckets.map(
            (b) =>
              ref.get(
                DateTime.fromISO(b.start, { setZone: true })
                  .setZone('America/New_York')
                  .toISO({ suppressMilliseconds: true })!,
              )?.messages ?? 0,
          ),
        );
      });

      it('overview: totals, distinct users, average response time, previous period', async () => {
        const c = { tz: 'Europe/Berlin', from: '2026-03-23', to: '2026-04-05' };
        const res = await service.overview(c);
        const start = DateTime.fromISO(c.from, { zone: c.tz }).toMillis();
        const end = DateTime.fromISO(c.to, { zone: c.tz }).plus({ days: 1 }).toMillis();
        const prevStart = DateTime.fromISO(c.from, { zone: c.tz }).minus({ days: 14 }).toMillis();
        const cur = MSGS.filter((m) => m.ts >= start && m.ts < end);
        const prev = MSGS.filter((m) => m.ts >= prevStart && m.ts < start);
        expect(res.current.messages).toBe(cur.length);
        expect(res.current.users).toBe(distinctUsers(start, end).size);
        expect(res.current.avg_response_time_ms).toBeCloseTo(
          cur.reduce((s, m) => s + m.rt, 0) / cur.length,
          2,
        );
        expect(res.previous.messages).toBe(prev.length);
        expect(res.previous.users).toBe(distinctUsers(prevStart, start).size);
        expect(res.change_pct.messages).toBeCloseTo(((cur.length - prev.length) / prev.length) * 100, 6);
        expect(res.sparklines.messages.reduce((a, b) => a + b, 0)).toBe(cur.length);
        expect(res.sparklines.messages).toHaveLength(14);
      });

      it('overview with ISO instants that are not on slot boundaries', async () => {
        const from = '2026-03-10T10:07:13Z';
        const to = '2026-03-12T17:53:02.500Z';
        const res = await service.overview({ tz: 'Asia/Kathmandu', from, to });
        const cur = MSGS.filter((m) => m.ts >= Date.parse(from) && m.ts < Date.parse(to));
        expect(res.current.messages).toBe(cur.length);
        expect(res.current.users).toBe(new Set(cur.map((m) => m.user)).size);
      });

      it('users: DAU/WAU/MAU, new vs returning, top users by messages', async () => {
        const c = { tz: 'America/New_York', from: '2026-03-01', to: '2026-03-31', page_size: '5' };
        const res = await service.users(c);
        const day = (d: string) => DateTime.fromISO(d, { zone: c.tz });
        const end = day('2026-04-01').toMillis();
        const inRange = MSGS.filter((m) => m.ts >= day(c.from).toMillis() && m.ts < end);
        const active = new Set(inRange.map((m) => m.user));
        expect(res.total).toBe(active.size);
        expect(res.dau).toBe(distinctUsers(day('2026-03-31').toMillis(), end).size);
        expect(res.wau).toBe(distinctUsers(day('2026-03-25').toMillis(), end).size);
        expect(res.mau).toBe(distinctUsers(day('2026-03-02').toMillis(), end).size);
        const first = new Map<string, number>();
        for (const m of MSGS) first.set(m.user, Math.min(first.get(m.user) ?? Infinity, m.ts));
        const newUsers = [...active].filter((u) => first.get(u)! >= day(c.from).toMillis());
        expect(res.new_users).toBe(newUsers.length);
        expect(res.returning_users).toBe(active.size - newUsers.length);
        const counts = new Map<string, number>();
        for (const m of inRange) counts.set(m.user, (counts.get(m.user) ?? 0) + 1);
        expect(res.top).toHaveLength(5);
        expect(res.top[0]!.messages).toBe(Math.max(...counts.values()));
        for (const t of res.top) {
          expect(t.messages).toBe(counts.get(t.user_id));
          expect(t.name).toBe(`User ${t.user_id.slice(-3)}`);
        }
        expect(res.active_per_day).toHaveLength(31);
      });

      it('users over months, weeks and days: every user once, every message counted once', async () => {
        const c = { tz: 'Europe/Berlin', from: '2026-02-21', to: '2026-04-09', page_size: '100' };
        const res = await service.users(c);
        const start = DateTime.fromISO(c.from, { zone: c.tz }).toMillis();
        const end = DateTime.fromISO(c.to, { zone: c.tz }).plus({ days: 1 }).toMillis();
        const counts = new Map<string, number>();
        for (const m of MSGS.filter((m) => m.ts >= start && m.ts < end))
          counts.set(m.user, (counts.get(m.user) ?? 0) + 1);
        expect(res.total).toBe(counts.size);
        expect(res.top).toHaveLength(Math.min(100, counts.size));
        for (const t of res.top) expect(t.messages).toBe(counts.get(t.user_id));
      });

      it('heatmap: day of week (Monday = 0) by local hour', async () => {
        const c = { tz: 'Europe/Berlin', from: '2026-03-16', to: '2026-04-05' };
        const res = await service.heatmap(c);
        expect(res.cells).toHaveLength(168);
        const start = DateTime.fromISO(c.from, { zone: c.tz }).toMillis();
        const end = DateTime.fromISO(c.to, { zone: c.tz }).plus({ days: 1 }).toMillis();
        const ref = new Map<string, number>();
        for (const m of MSGS) {
          if (m.ts < start || m.ts >= end) continue;
          const d = DateTime.fromMillis(m.ts, { zone: c.tz });
          const k = `${d.weekday - 1}:${d.hour}`;
          ref.set(k, (ref.get(k) ?? 0) + 1);
        }
        for (const cell of res.cells) expect(cell.messages).toBe(ref.get(`${cell.dow}:${cell.hour}`) ?? 0);
      });
    });
  }

  it('rejects bad parameters with the parameter named', async () => {
    await expect(service.timeline({ granularity: 'fortnight' })).rejects.toMatchObject({
      parameter: 'granularity',
    });
    await expect(service.timeline({ tz: 'Mars/Olympus' })).rejects.toMatchObject({ parameter: 'tz' });
    await expect(service.timeline({ from: '2026-02-30', to: '2026-03-01' })).rejects.toMatchObject({
      parameter: 'from',
    });
    await expect(service.timeline({ from: '2026-03-05', to: '2026-03-01' })).rejects.toMatchObject({
      parameter: 'from',
    });
    await expect(service.timeline({ from: '2000-01-01', to: '2026-03-01' })).rejects.toMatchObject({
      parameter: 'to',
    });
    await expect(
      service.timeline({ from: '2026-01-01', to: '2026-03-01', granularity: 'hour' }),
    ).rejects.toMatchObject({ parameter: 'granularity' });
    await expect(service.timeline({ from: '2026-03-01', to: '2026-03-05T00:00:00Z' })).rejects.toMatchObject({
      parameter: 'to',
    });
    await expect(service.users({ page: '0' })).rejects.toMatchObject({ parameter: 'page' });
  });
});
