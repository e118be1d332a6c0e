import type {
  ApiError,
  Granularity,
  HeatmapResponse,
  OverviewResponse,
  TimelineResponse,
  UsersResponse,
} from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectOverview,
  generate,
  type Msg,
  type Person,
  people,
  type RangeQuery,
  Reference,
} from './admin-analytics-reference';
import { count } from './admin-support';

// The analytics API over HTTP, on generated data spanning the 2026 DST changes of New York and
// Berlin, against the independent computation in admin-analytics-reference.ts. The same questions
// are asked in four states of the rollups, which must not change any answer:
//   A. every row still queued, the zones never rolled up (the worker paused),
//   B. everything folded and the zones backfilled by the admin's worker,
//   C. more rows queued on top of ready rollups (the worker paused again),
//   D. those folded too.

const PAUSED = '3600000';
const RUNNING = '1000';
const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

const PERSONS: Person[] = people(150, '6512000000');
const LATE_PERSONS: Person[] = people(20, '6513000000');
const FIRST = generate(42, 2_500, PERSONS);
/** State C's extra rows: old users and new ones, some earlier than anything before. */
const LATER = generate(7, 400, [...PERSONS.slice(0, 30), ...LATE_PERSONS]).map((m) => ({
  ...m,
  rt: m.rt + 1,
}));

const env: Record<string, string> = { ROLLUP_INTERVAL_MS: PAUSED };
let stack: Stack;
let cookie: string;
const personsById = new Map([...PERSONS, ...LATE_PERSONS].map((p) => [p.id, p]));

async function insert(msgs: Msg[], tag: string): Promise<void> {
  const persons = [...new Set(msgs.map((m) => m.user))].map((id) => personsById.get(id)!);
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  for (const m of msgs) {
    first.set(m.user, Math.min(first.get(m.user) ?? Infinity, m.ts));
    last.set(m.user, Math.max(last.get(m.user) ?? -Infinity, m.ts));
  }
  await stack.db.query(
    `INSERT INTO users (facebook_id, first_name, last_name, first_seen, last_interaction)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
     ON CONFLICT (facebook_id) DO UPDATE SET first_seen = least(users.first_seen, EXCLUDED.first_seen),
       last_interaction = greatest(users.last_interaction, EXCLUDED.last_interaction)`,
    [
      persons.map((p) => p.id),
      persons.map((p) => p.first),
      persons.map((p) => p.last),
      persons.map((p) => new Date(first.get(p.id)!)),
      persons.map((p) => new Date(last.get(p.id)!)),
    ],
  );
  await stack.db.query(
    `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                response_time_ms, status, instance_id)
     SELECT $4 || n, u, 'text', 'hi', 'hello', t, t, rt, 'replied', 'bot-1'
       FROM unnest($1::text[], $2::timestamptz[], $3::float8[]) WITH ORDINALITY AS x(u, t, rt, n)`,
    [msgs.map((m) => m.user), msgs.map((m) => new Date(m.ts)), msgs.map((m) => m.rt), `${tag}-`],
  );
}

async function restartAdmin(interval: string): Promise<void> {
  await stack.admin!.stop();
  env.ROLLUP_INTERVAL_MS = interval;
  await stack.startAdmin(stack.adminPort);
}

async function drained(): Promise<void> {
  await stack.waitFor(
    async () =>
      (await count(stack, 'SELECT count(*) AS n FROM rollup_queue')) === 0 &&
      (await count(stack, 'SELECT count(*) AS n FROM rollup_zones WHERE NOT ready')) === 0,
    'the rollup queue drained and every zone backfilled',
    60_000,
    100,
  );
}

// ── the questions ────────────────────────────────────────────────────────────────────────────
const RANGES: RangeQuery[] = [
  { tz: NY, from: '2026-03-01', to: '2026-03-15' },
  { tz: NY, from: '2026-10-25', to: '2026-11-08' },
  { tz: BERLIN, from: '2026-03-22', to: '2026-04-05' },
  { tz: BERLIN, from: '2026-10-20', to: '2026-10-31' },
];
/** Single local days with 23 or 25 hours. */
const DST_DAYS: RangeQuery[] = [
  { tz: NY, from: '2026-03-08', to: '2026-03-08' },
  { tz: NY, from: '2026-11-01', to: '2026-11-01' },
  { tz: BERLIN, from: '2026-03-29', to: '2026-03-29' },
  { tz: BERLIN, from: '2026-10-25', to: '2026-10-25' },
];
const INSTANTS: RangeQuery = { tz: BERLIN, from: '2026-03-10T10:07:13Z', to: '2026-03-12T17:53:02.500Z' };
const MONTH_NY: RangeQuery = { tz: NY, from: '2026-03-01', to: '2026-03-31' };
const AUTUMN_BERLIN: RangeQuery = { tz: BERLIN, from: '2026-10-15', to: '2026-11-11' };

type Answers = Map<string, unknown>;

const qs = (q: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)])).toString();

async function get<T>(path: string): Promise<T> {
  const res = await stack.api<T>(path, cookie);
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Asks every question; checks each answer against the reference; returns the answers. */
async function askAll(ref: Reference): Promise<Answers> {
  const answers: Answers = new Map();
  const ask = async <T>(path: string): Promise<T> => {
    const body = await get<T>(path);
    // when the answer was computed differs from run to run; the figures may not
    const { as_of: _asOf, ...figures } = body as T & { as_of?: string };
    answers.set(path, figures);
    return body;
  };

  for (const q of [...RANGES, ...DST_DAYS, INSTANTS]) {
    const got = await ask<OverviewResponse>(`/api/analytics/overview?${qs({ ...q })}`);
    expectOverview(got, ref.overview(q), `overview ${JSON.stringify(q)}`);
  }

  const timelines: Array<RangeQuery & { granularity: Granularity }> = [
    ...RANGES.flatMap((q) =>
      (['day', 'week', 'month'] as const).map((granularity) => ({ ...q, granularity })),
    ),
    ...DST_DAYS.map((q) => ({ ...q, granularity: 'hour' as const })),
    { ...INSTANTS, granularity: 'hour' },
    { ...INSTANTS, granularity: 'day' },
    { ...MONTH_NY, granularity: 'day' },
    { ...AUTUMN_BERLIN, granularity: 'day' },
    { ...AUTUMN_BERLIN, granularity: 'week' },
  ];
  for (const q of timelines) {
    const got = await ask<TimelineResponse>(`/api/analytics/timeline?${qs({ ...q })}`);
    const { mean: _m, std_dev: _s, from: _f, to: _t, as_of: _a, ...rest } = got;
    expect(rest, `timeline ${JSON.stringify(q)}`).toEqual(ref.timeline(q));
  }

  for (const [q, pages] of [
    [MONTH_NY, [1, 2]],
    [AUTUMN_BERLIN, [1, 3]],
    [RANGES[3]!, [1]],
  ] as const) {
    for (const page of pages) {
      const page_size = q === RANGES[3] ? 100 : 7;
      const { as_of: _a, ...got } = await ask<UsersResponse>(
        `/api/analytics/users?${qs({ ...q, page, page_size })}`,
      );
      expect(got, `users ${JSON.stringify(q)} page ${page}`).toEqual(
        ref.usersReport({ ...q, page, page_size }),
      );
    }
  }

  for (const q of [RANGES[2]!, { tz: NY, from: '2026-10-20', to: '2026-11-10' }, INSTANTS]) {
    const got = await ask<HeatmapResponse>(`/api/analytics/heatmap?${qs({ ...q })}`);
    expect(got, `heatmap ${JSON.stringify(q)}`).toEqual({ ...ref.heatmap(q), from: got.from, to: got.to });
  }
  return answers;
}

beforeAll(async () => {
  stack = await startStack({ bots: 0, graph: false, env });
  cookie = await stack.login();
  await insert(FIRST, 'first');
});
afterAll(async () => {
  await stack?.stop();
});

describe('analytics over HTTP across DST changes, in every state of the rollups', () => {
  const reference = new Reference(FIRST, personsById);
  const withLater = new Reference([...FIRST, ...LATER], personsById);
  let a: Answers;
  let c: Answers;

  it('A: from the raw rows (all queued, zones not rolled up)', async () => {
    expect(await count(stack, 'SELECT count(*) AS n FROM rollup_queue')).toBe(FIRST.length);
    a = await askAll(reference);
    // Nothing was folded meanwhile: these answers really came from queued rows.
    expect(await count(stack, 'SELECT count(*) AS n FROM rollup_queue')).toBe(FIRST.length);
    expect(await count(stack, 'SELECT count(*) AS n FROM rollup_slots')).toBe(0);
    expect(
      await count(stack, `SELECT count(*) AS n FROM rollup_zones WHERE tz IN ($1, $2) AND NOT ready`, [
        NY,
        BERLIN,
      ]),
    ).toBe(2);
  });

  it('B: the same answers once the admin folded everything and backfilled both zones', async () => {
    await restartAdmin(RUNNING);
    await drained();
    expect(
      await count(stack, `SELECT count(*) AS n FROM rollup_user_periods WHERE tz = $1`, [BERLIN]),
    ).toBeGreaterThan(0);
    const b = await askAll(reference);
    expect(b).toEqual(a);
  });

  it('C: new rows queued on top of ready rollups are counted at once', async () => {
    await restartAdmin(PAUSED);
    await insert(LATER, 'later');
    expect(await count(stack, 'SELECT count(*) AS n FROM rollup_queue')).toBe(LATER.length);
    c = await askAll(withLater);
    expect(await count(stack, 'SELECT count(*) AS n FROM rollup_queue')).toBe(LATER.length);
    expect(c).not.toEqual(a);
  });

  it('D: and the same once those are folded too', async () => {
    await restartAdmin(RUNNING);
    await drained();
    expect(await askAll(withLater)).toEqual(c);
  });

  it('bucket starts carry the local offset of their own start', async () => {
    const day = await get<TimelineResponse>(
      `/api/analytics/timeline?${qs({ tz: NY, from: '2026-03-07', to: '2026-03-09' })}`,
    );
    expect(day.buckets.map((b) => b.start)).toEqual([
      '2026-03-07T00:00:00-05:00',
      '2026-03-08T00:00:00-05:00',
      '2026-03-09T00:00:00-04:00',
    ]);
    const autumn = await get<TimelineResponse>(
      `/api/analytics/timeline?${qs({ tz: BERLIN, from: '2026-10-24', to: '2026-10-26' })}`,
    );
    expect(autumn.buckets.map((b) => b.start)).toEqual([
      '2026-10-24T00:00:00+02:00',
      '2026-10-25T00:00:00+02:00',
      '2026-10-26T00:00:00+01:00',
    ]);
    const hours = await get<TimelineResponse>(
      `/api/analytics/timeline?${qs({ tz: NY, granularity: 'hour', from: '2026-11-01', to: '2026-11-01' })}`,
    );
    expect(hours.buckets).toHaveLength(25);
    expect(hours.buckets.slice(0, 4).map((b) => b.start)).toEqual([
      '2026-11-01T00:00:00-04:00',
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T01:00:00-05:00',
      '2026-11-01T02:00:00-05:00',
    ]);
    const spring = await get<TimelineResponse>(
      `/api/analytics/timeline?${qs({ tz: BERLIN, granularity: 'hour', from: '2026-03-29', to: '2026-03-29' })}`,
    );
    expect(spring.buckets).toHaveLength(23);
    expect(spring.buckets.slice(1, 3).map((b) => b.start)).toEqual([
      '2026-03-29T01:00:00+01:00',
      '2026-03-29T03:00:00+02:00',
    ]);
    const weeks = await get<TimelineResponse>(
      `/api/analytics/timeline?${qs({ tz: NY, granularity: 'week', from: '2026-03-01', to: '2026-03-15' })}`,
    );
    // Weeks start on Monday; 2026-03-01 is a Sunday, so its week began on 2026-02-23.
    expect(weeks.buckets.map((b) => b.start)).toEqual([
      '2026-02-23T00:00:00-05:00',
      '2026-03-02T00:00:00-05:00',
      '2026-03-09T00:00:00-04:00',
    ]);
  });

  it('the busy day is an anomaly; a quiet, even series has none', async () => {
    const month = await get<TimelineResponse>(
      `/api/analytics/timeline?${qs({ ...MONTH_NY, granularity: 'day' })}`,
    );
    expect(month.buckets).toHaveLength(31);
    expect(month.anomalies).toContain('2026-03-10T00:00:00-04:00');
    const empty = await get<TimelineResponse>(
      `/api/analytics/timeline?${qs({ tz: NY, from: '2025-01-01', to: '2025-01-31' })}`,
    );
    expect(empty.buckets).toHaveLength(31);
    expect(empty.buckets.every((b) => b.messages === 0 && b.users === 0)).toBe(true);
    expect(empty.anomalies).toEqual([]);
  });

  it('a range that includes today: its bucket is partial, never an anomaly, and compared with as far into the previous period', async () => {
    const today = DateTime.now().setZone(NY).toISODate()!;
    const from = DateTime.now().setZone(NY).minus({ days: 6 }).toISODate()!;
    const q = { tz: NY, from, to: today };
    const timeline = await get<TimelineResponse>(
      `/api/analytics/timeline?${qs({ ...q, granularity: 'day' })}`,
    );
    expect(timeline.buckets).toHaveLength(7);
    expect(timeline.buckets.slice(0, 6).every((b) => b.partial === undefined)).toBe(true);
    expect(timeline.buckets[6]!.partial).toBe(true);
    expect(timeline.anomalies).not.toContain(timeline.buckets[6]!.start);
    expect(timeline.baseline).toEqual({ trailing_buckets: 28, buckets: expect.any(Number), k: 2 });

    const overview = await get<OverviewResponse>(`/api/analytics/overview?${qs(q)}`);
    const asOf = DateTime.fromISO(overview.as_of).setZone(NY);
    // the same local time seven days earlier, not the end of the previous period
    expect(DateTime.fromISO(overview.previous_until).toMillis()).toBe(asOf.minus({ days: 7 }).toMillis());
    expect(overview.sparklines_complete).toBe(6);
    expect(overview.sparklines.messages).toHaveLength(7);
  });

  it('a user without a name is listed with null and the id', async () => {
    const nameless = PERSONS[7]!.id;
    const res = await get<UsersResponse>(`/api/analytics/users?${qs({ ...AUTUMN_BERLIN, page_size: 100 })}`);
    const row = res.top.find((t) => t.user_id === nameless);
    expect(row).toBeDefined();
    expect(row!.name).toBeNull();
    expect(res.top.find((t) => t.user_id === PERSONS[0]!.id)?.name).toBe('Ana N0');
  });
});

describe('bad parameters → 400 naming the parameter', () => {
  const cases: Array<[string, string]> = [
    ['timeline?granularity=fortnight', 'granularity'],
    ['timeline?tz=Nope/Nope', 'tz'],
    ['overview?tz=Nope/Nope', 'tz'],
    ['timeline?from=2026-02-30&to=2026-03-05', 'from'],
    ['users?from=2026-02-30&to=2026-03-05', 'from'],
    ['timeline?from=2026-03-05&to=2026-03-01', 'from'],
    ['overview?from=2026-03-05T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
    ['timeline?from=2016-01-01&to=2026-03-01', 'to'],
    ['heatmap?from=2016-01-01&to=2026-03-01', 'to'],
    ['timeline?granularity=hour&from=2026-01-01&to=2026-02-01', 'granularity'],
    ['timeline?from=2026-03-01&to=2026-03-05T00:00:00Z', 'to'],
    ['timeline?from=2026-03-01T00:00:00&to=2026-03-05T00:00:00Z', 'from'],
    ['timeline?from=yesterday&to=2026-03-05', 'from'],
    ['users?page=0', 'page'],
    ['users?page_size=101', 'page_size'],
    ['users?page=1.5', 'page'],
    ['heatmap?tz=UTC&tz=Europe/Berlin', 'tz'],
  ];
  it.each(cases)('GET /api/analytics/%s → 400 naming %s', async (path, parameter) => {
    const res = await stack.api<ApiError>(`/api/analytics/${path}`, cookie);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_parameter', parameter });
    expect(res.body.message).toContain(parameter);
  });
});
