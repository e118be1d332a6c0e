import type { ApiError, MonitoringDashboard, OverviewResponse, UsersResponse } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOverview, generate, type Msg, people, Reference } from './admin-analytics-reference';
import { count } from './admin-support';
import { withoutClock } from './helpers/analytics';
import { postText } from './helpers/bot';

// DELETE /api/users/:id (a data-protection request) end to end: the user's messages, inbox rows
// and profile go, the analytics drop accordingly, and the rollups stay equal to a recomputation
// from the raw rows — with part of the user's messages folded and part still queued.

const PAUSED = '3600000';
const RUNNING = '1000';
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin'];
const PERSONS = people(30, '6520000000');
const VICTIM = PERSONS[0]!;
const BYSTANDER = PERSONS[1]!;
const HISTORY = generate(11, 300, PERSONS);
const MONTH = { tz: 'Europe/Berlin', from: '2026-03-01', to: '2026-03-31' };

const env: Record<string, string> = { ROLLUP_INTERVAL_MS: RUNNING };
let stack: Stack;
let cookie: string;

async function insert(msgs: Msg[], tag: string) {
  const ids = [...new Set(msgs.map((m) => m.user))];
  const byId = new Map(PERSONS.map((p) => [p.id, p]));
  await stack.db.query(
    `INSERT INTO users (facebook_id, first_name, last_name, first_seen, last_interaction)
     SELECT id, f, l, t, t FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS x(id, f, l, t)
     ON CONFLICT (facebook_id) DO UPDATE SET first_seen = least(users.first_seen, EXCLUDED.first_seen)`,
    [
      ids,
      ids.map((i) => byId.get(i)!.first),
      ids.map((i) => byId.get(i)!.last),
      ids.map((i) => new Date(Math.min(...msgs.filter((m) => m.user === i).map((m) => m.ts)))),
    ],
  );
  await stack.db.query(
    `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                response_time_ms, status, instance_id)
     SELECT $4 || n, u, 'text', 'hi', 'hello', t, t, rt, CASE WHEN n % 17 = 0 THEN 'failed' ELSE 'replied' END, 'bot-1'
       FROM unnest($1::text[], $2::timestamptz[], $3::float8[]) WITH ORDINALITY AS x(u, t, rt, n)`,
    [msgs.map((m) => m.user), msgs.map((m) => new Date(m.ts)), msgs.map((m) => m.rt), `${tag}-`],
  );
}

async function restartAdmin(interval: string) {
  await stack.admin!.stop();
  env.ROLLUP_INTERVAL_MS = interval;
  await stack.startAdmin(stack.adminPort);
}

async function drained() {
  await stack.waitFor(
    async () =>
      (await count(stack, 'SELECT count(*) AS n FROM rollup_queue')) === 0 &&
      (await count(stack, 'SELECT count(*) AS n FROM rollup_zones WHERE NOT ready')) === 0,
    'the rollups folded and every zone backfilled',
    60_000,
    100,
  );
}

interface RawRow {
  facebook_id: string;
  timestamp: Date;
  response_time_ms: number;
  status: string;
  queued: boolean;
}

async function rawRows(): Promise<RawRow[]> {
  const { rows } = await stack.db.query<RawRow>(
    `SELECT c.facebook_id, c."timestamp", c.response_time_ms, c.status, q.conversation_id IS NOT NULL AS queued
       FROM conversations c LEFT JOIN rollup_queue q ON q.conversation_id = c.id`,
  );
  return rows;
}

/** The rollups must equal what the folded (not queued) raw rows add up to, computed here in JS. */
async function expectRollupsEqualRawRows() {
  const folded = (await rawRows()).filter((r) => !r.queued);

  const slots = new Map<number, { messages: number; failed: number; sum: number; n: number }>();
  for (const r of folded) {
    const slot = Math.floor(r.timestamp.getTime() / 900_000) * 900_000;
    const s = slots.get(slot) ?? { messages: 0, failed: 0, sum: 0, n: 0 };
    s.messages++;
    if (r.status === 'failed') s.failed++;
    s.sum += r.response_time_ms;
    s.n++;
    slots.set(slot, s);
  }
  const { rows: stored } = await stack.db.query<{
    slot: Date;
    messages: number;
    failed: number;
    response_ms_sum: number;
    response_count: number;
  }>('SELECT * FROM rollup_slots ORDER BY slot');
  for (const s of stored) {
    const want = slots.get(s.slot.getTime()) ?? { messages: 0, failed: 0, sum: 0, n: 0 };
    const at = s.slot.toISOString();
    expect({ at, messages: s.messages, failed: s.failed, n: s.response_count }).toEqual({
      at,
      messages: want.messages,
      failed: want.failed,
      n: want.n,
    });
    expect(s.response_ms_sum, at).toBeCloseTo(want.sum, 6);
    slots.delete(s.slot.getTime());
  }
  expect(
    [...slots.keys()].map((k) => new Date(k).toISOString()),
    'slots missing from rollup_slots',
  ).toEqual([]);

  for (const tz of ZONES) {
    const members = new Map<string, { messages: number; last: number }>();
    for (const r of folded) {
      const local = DateTime.fromJSDate(r.timestamp, { zone: tz });
      for (const [grain, unit] of [
        ['d', 'day'],
        ['w', 'week'],
        ['m', 'month'],
      ] as const) {
        const key = `${grain} ${local.startOf(unit).toISODate()} ${r.facebook_id}`;
        const v = members.get(key) ?? { messages: 0, last: 0 };
        v.messages++;
        v.last = Math.max(v.last, r.timestamp.getTime());
        members.set(key, v);
      }
    }
    const { rows } = await stack.db.query<{
      grain: string;
      period: string;
      facebook_id: string;
      messages: number;
      last_seen: Date;
    }>('SELECT grain, period, facebook_id, messages, last_seen FROM rollup_user_periods WHERE tz = $1', [tz]);
    expect(
      new Map(
        rows.map((r) => [
          `${r.grain} ${r.period} ${r.facebook_id}`,
          { messages: r.messages, last: r.last_seen.getTime() },
        ]),
      ),
      `rollup_user_periods in ${tz}`,
    ).toEqual(members);

    const totals = new Map<string, number>();
    for (const key of members.keys()) {
      const period = key.split(' ').slice(0, 2).join(' ');
      totals.set(period, (totals.get(period) ?? 0) + 1);
    }
    const { rows: stTotals } = await stack.db.query<{ grain: string; period: string; users: number }>(
      'SELECT grain, period, users FROM rollup_period_totals WHERE tz = $1',
      [tz],
    );
    for (const t of stTotals)
      expect(t.users, `${tz} ${t.grain} ${t.period}`).toBe(totals.get(`${t.grain} ${t.period}`) ?? 0);
    expect(stTotals.filter((t) => t.users > 0)).toHaveLength(totals.size);

    // The user bitmaps hold exactly the members (the deleted user's bit cleared everywhere).
    const { rows: bits } = await stack.db.query<{ grain: string; period: string; facebook_id: string }>(
      `SELECT b.grain, b.period, n.facebook_id
         FROM rollup_user_bitmaps b
         JOIN user_numbers n ON n.uid >> 13 = b.chunk AND get_bit(b.bits, n.uid & 8191) = 1
        WHERE b.tz = $1`,
      [tz],
    );
    const { rows: setBits } = await stack.db.query<{ n: number }>(
      'SELECT coalesce(sum(bit_count(bits)), 0) AS n FROM rollup_user_bitmaps WHERE tz = $1',
      [tz],
    );
    expect(
      new Set(bits.map((r) => `${r.grain} ${r.period} ${r.facebook_id}`)),
      `rollup_user_bitmaps in ${tz}`,
    ).toEqual(new Set(members.keys()));
    expect(setBits[0]!.n, `bits set in ${tz}`).toBe(members.size);
  }
}

async function overview(): Promise<OverviewResponse> {
  const res = await stack.api<OverviewResponse>(
    `/api/analytics/overview?${new URLSearchParams(MONTH)}`,
    cookie,
  );
  expect(res.status).toBe(200);
  return res.body;
}

/** The overview recomputed from what is in the database now (independently of the rollups). */
async function overviewFromRawRows() {
  const rows = await rawRows();
  const msgs = rows.map((r) => ({ user: r.facebook_id, ts: r.timestamp.getTime(), rt: r.response_time_ms }));
  return new Reference(msgs, new Map(PERSONS.map((p) => [p.id, p]))).overview(MONTH);
}

const del = (id: string, headers: Record<string, string> = {}) =>
  stack.api<ApiError & { deleted_messages: number }>(`/api/users/${id}`, cookie, {
    method: 'DELETE',
    headers,
  });

beforeAll(async () => {
  stack = await startStack({ env });
  cookie = await stack.login();
  await insert(HISTORY, 'hist');
  // The victim and a bystander also write through the real bot (which fetches their profiles).
  for (const [i, p] of [VICTIM, BYSTANDER, VICTIM, VICTIM].entries()) {
    await postText(stack, p.id, `via the bot ${i}`, Date.parse(`2026-03-1${i}T12:00:00Z`));
  }
  await stack.waitFor(
    async () =>
      (await count(stack, `SELECT count(*) AS n FROM conversations WHERE mid NOT LIKE 'hist-%'`)) === 4,
    'the bot to store the messages',
  );
  for (const tz of ZONES) {
    expect(
      (await stack.api(`/api/analytics/overview?tz=${tz}&from=2026-03-01&to=2026-03-31`, cookie)).status,
    ).toBe(200);
  }
  await drained();
  // From here on new rows stay queued: the deletion meets folded and queued rows of the victim.
  await restartAdmin(PAUSED);
  await postText(stack, VICTIM.id, 'queued via the bot', Date.parse('2026-03-20T12:00:00Z'));
  await insert(
    [
      { user: VICTIM.id, ts: Date.parse('2026-03-21T08:00:00Z'), rt: 123.5 },
      { user: VICTIM.id, ts: Date.parse('2026-03-22T23:30:00Z'), rt: 234.25 },
      { user: BYSTANDER.id, ts: Date.parse('2026-03-22T23:45:00Z'), rt: 345.125 },
    ],
    'queued',
  );
  await stack.waitFor(
    async () => (await count(stack, `SELECT count(*) AS n FROM rollup_queue`)) === 4,
    'the new rows queued',
  );
  // Answered events leave the inbox at once; events the bot gave up on stay there, message text
  // and all, for inspection: those must go with the user too.
  await stack.db.query(
    `INSERT INTO inbox (dedup_key, sender_id, event_ts, event, received_at, attempts, processed_at, last_error)
     SELECT 'dead-' || s, s, now(), jsonb_build_object('sender', jsonb_build_object('id', s),
            'message', jsonb_build_object('mid', 'dead-' || s, 'text', 'my phone is 555 0100')),
            now(), 5, now(), 'generate: gave up after 5 attempts'
       FROM unnest($1::text[]) AS s`,
    [[VICTIM.id, BYSTANDER.id]],
  );
});
afterAll(async () => {
  await stack?.stop();
});

describe('DELETE /api/users/:id', () => {
  it('refuses a malformed id with 400 naming it, and a foreign origin with 403', async () => {
    for (const bad of ['bad%20id', 'a.b', 'x'.repeat(65), '%C3%A9']) {
      const res = await del(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_parameter', parameter: 'id' });
    }
    const foreign = await del(VICTIM.id, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await count(stack, 'SELECT count(*) AS n FROM users WHERE facebook_id = $1', [VICTIM.id])).toBe(1);
  });

  it('an unknown id → 404', async () => {
    const res = await del('6599999999999999');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found' });
  });

  it('removes the messages, inbox rows and profile; analytics drop by exactly that user', async () => {
    const victimRows = await count(stack, 'SELECT count(*) AS n FROM conversations WHERE facebook_id = $1', [
      VICTIM.id,
    ]);
    const victimInMonth = await count(
      stack,
      `SELECT count(*) AS n FROM conversations WHERE facebook_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3`,
      [VICTIM.id, new Date('2026-03-01T00:00:00+01:00'), new Date('2026-04-01T00:00:00+02:00')],
    );
    expect(await count(stack, 'SELECT count(*) AS n FROM inbox WHERE sender_id = $1', [VICTIM.id])).toBe(1);
    expect(
      await count(
        stack,
        'SELECT count(*) AS n FROM rollup_queue q JOIN conversations c ON c.id = q.conversation_id WHERE c.facebook_id = $1',
        [VICTIM.id],
      ),
    ).toBe(3);
    const before = await overview();
    expectOverview(before, await overviewFromRawRows(), 'overview before');
    const top = await stack.api<UsersResponse>(`/api/analytics/users?${new URLSearchParams(MONTH)}`, cookie);
    expect(top.body.top.map((t) => t.user_id)).toContain(VICTIM.id);

    const res = await del(VICTIM.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted_messages: victimRows });

    expect(
      await count(stack, 'SELECT count(*) AS n FROM conversations WHERE facebook_id = $1', [VICTIM.id]),
    ).toBe(0);
    expect(await count(stack, 'SELECT count(*) AS n FROM inbox WHERE sender_id = $1', [VICTIM.id])).toBe(0);
    expect(await count(stack, 'SELECT count(*) AS n FROM users WHERE facebook_id = $1', [VICTIM.id])).toBe(0);
    expect(
      await count(stack, 'SELECT count(*) AS n FROM rollup_user_periods WHERE facebook_id = $1', [VICTIM.id]),
    ).toBe(0);
    // Nobody else's data went with it.
    expect(await count(stack, 'SELECT count(*) AS n FROM inbox WHERE sender_id = $1', [BYSTANDER.id])).toBe(
      1,
    );
    expect(await count(stack, 'SELECT count(*) AS n FROM rollup_queue')).toBe(1);

    const after = await overview();
    expect(after.current.messages).toBe(before.current.messages - victimInMonth);
    expect(after.current.users).toBe(before.current.users - 1);
    expectOverview(after, await overviewFromRawRows(), 'overview after');
    const topAfter = await stack.api<UsersResponse>(
      `/api/analytics/users?${new URLSearchParams(MONTH)}`,
      cookie,
    );
    expect(topAfter.body.top.map((t) => t.user_id)).not.toContain(VICTIM.id);
    expect(topAfter.body.total).toBe(top.body.total - 1);

    expect((await del(VICTIM.id)).status).toBe(404);
  });

  it('the Monitoring page forgets the user at once: totals and recent messages', async () => {
    const messages = await count(stack, 'SELECT count(*) AS n FROM conversations');
    const users = await count(stack, 'SELECT count(*) AS n FROM users');
    const dash = await stack.waitFor(async () => {
      const d = (await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie)).body;
      return d.totals.messages.total === messages && d.totals.users.total === users ? d : undefined;
    }, 'the dashboard totals without the deleted user');
    expect(dash.recent_messages.length).toBeGreaterThan(0);
    expect(dash.recent_messages.filter((m) => m.user_id === VICTIM.id)).toEqual([]);
  });

  it('the rollups equal a recomputation from the raw rows (folded and queued)', async () => {
    await expectRollupsEqualRawRows();
  });

  it('... and still after the queued rows are folded', async () => {
    const before = withoutClock(await overview());
    await restartAdmin(RUNNING);
    await drained();
    await expectRollupsEqualRawRows();
    expect(withoutClock(await overview())).toEqual(before);
  });
});
