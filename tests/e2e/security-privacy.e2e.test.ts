import type {
  FeedMessage,
  HeatmapResponse,
  MonitoringDashboard,
  OverviewResponse,
  TimelineResponse,
  UsersResponse,
} from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, count, dashboardSocket, record, subscribe } from './admin-support';
import { withoutClock } from './helpers/analytics';
import { postText } from './helpers/bot';

// Data protection end to end: RETENTION_DAYS on the admin removes old message text and keeps
// every count; REDACT_PII=1 on the bot stores e-mail addresses and phone numbers as [email] and
// [phone] and keeps ordinary numbers. (Deleting a user: admin-user-deletion, and in the dashboard
// security-browser.)

const DAY = 86_400_000;
const RETENTION_DAYS = 30;
/** Mutable: the admin is restarted with RETENTION_DAYS once the old rows are in. */
const env: Record<string, string> = { REDACT_PII: '1' };

const OLD_USERS = [
  { id: '6700000000000001', first: 'Olga', last: 'Oldfield' },
  { id: '6700000000000002', first: 'Otto', last: 'Ancient' },
];
const RECENT_USER = { id: '6700000000000003', first: 'Rita', last: 'Recent' };

/** Rows by age in days; `old` ones are past RETENTION_DAYS. */
const ROWS = [
  { mid: 'ret-old-1', user: OLD_USERS[0]!, ageDays: 200, old: true },
  { mid: 'ret-old-2', user: OLD_USERS[0]!, ageDays: 95, old: true },
  { mid: 'ret-old-3', user: OLD_USERS[1]!, ageDays: 95.5, old: true },
  { mid: 'ret-old-4', user: OLD_USERS[1]!, ageDays: 60, old: true },
  { mid: 'ret-old-5', user: OLD_USERS[1]!, ageDays: RETENTION_DAYS + 0.05, old: true },
  { mid: 'ret-new-1', user: RECENT_USER, ageDays: RETENTION_DAYS - 0.05, old: false },
  { mid: 'ret-new-2', user: RECENT_USER, ageDays: 2, old: false },
  { mid: 'ret-new-3', user: OLD_USERS[0]!, ageDays: 1, old: false },
];

let stack: Stack;
let cookie: string;
let now: number;

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function insertRows() {
  const users = [...OLD_USERS, RECENT_USER];
  const first = (id: string) =>
    new Date(now - Math.max(...ROWS.filter((r) => r.user.id === id).map((r) => r.ageDays)) * DAY);
  await stack.db.query(
    `INSERT INTO users (facebook_id, first_name, last_name, first_seen, last_interaction)
     SELECT id, f, l, t, t FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS x(id, f, l, t)`,
    [
      users.map((u) => u.id),
      users.map((u) => u.first),
      users.map((u) => u.last),
      users.map((u) => first(u.id)),
    ],
  );
  await stack.db.query(
    `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                response_time_ms, status, instance_id)
     SELECT m, u, 'text', 'private words of ' || m, 'reply to ' || m, t, t, 100 + n, 'replied', 'bot-1'
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS x(m, u, t, n)`,
    [ROWS.map((r) => r.mid), ROWS.map((r) => r.user.id), ROWS.map((r) => new Date(now - r.ageDays * DAY))],
  );
  // Dead letters (events the bot gave up on) keep their payload for inspection: old ones go too.
  await stack.db.query(
    `INSERT INTO inbox (dedup_key, sender_id, event_ts, event, received_at, attempts, processed_at, last_error)
     VALUES ('dead-old', $1, $2, '{"message":{"text":"old dead letter"}}', $2, 5, $2, 'gave up'),
            ('dead-new', $1, $3, '{"message":{"text":"new dead letter"}}', $3, 5, $3, 'gave up')`,
    [OLD_USERS[0]!.id, new Date(now - 90 * DAY), new Date(now - 2 * DAY)],
  );
}

async function rollupsSettled() {
  await stack.waitFor(
    async () =>
      (await count(stack, 'SELECT count(*) AS n FROM rollup_queue')) === 0 &&
      (await count(stack, 'SELECT count(*) AS n FROM rollup_zones WHERE NOT ready')) === 0,
    'the rollups to fold every row in every zone',
    60_000,
    100,
  );
}

/** Everything analytics says about the old period (and the whole year), in two zones. */
async function analyticsOfOldPeriod() {
  const out: Record<string, unknown> = {};
  for (const tz of ['UTC', 'Europe/Berlin']) {
    const ranges = [
      { from: isoDate(now - 210 * DAY), to: isoDate(now - RETENTION_DAYS * DAY - DAY) },
      { from: isoDate(now - 365 * DAY), to: isoDate(now) },
    ];
    for (const r of ranges) {
      const q = new URLSearchParams({ ...r, tz });
      for (const path of ['overview', 'timeline?granularity=week&', 'users', 'heatmap']) {
        const [name, extra = ''] = path.split('?');
        const res = await stack.api<OverviewResponse | TimelineResponse | UsersResponse | HeatmapResponse>(
          `/api/analytics/${name}?${extra}${q}`,
          cookie,
        );
        expect(res.status, `${name} ${q}`).toBe(200);
        out[`${name} ${q}`] = withoutClock(res.body);
      }
    }
  }
  return out;
}

beforeAll(async () => {
  stack = await startStack({ env });
  cookie = await stack.login();
  now = Date.now();
});
afterAll(async () => {
  await stack?.stop();
});

describe(`RETENTION_DAYS=${RETENTION_DAYS}`, () => {
  let before: Record<string, unknown>;

  beforeAll(async () => {
    await insertRows();
    // Every zone the comparison reads is folded before the text goes.
    await analyticsOfOldPeriod();
    await rollupsSettled();
    before = await analyticsOfOldPeriod();
    const overview = before[
      `overview ${new URLSearchParams({ from: isoDate(now - 210 * DAY), to: isoDate(now - RETENTION_DAYS * DAY - DAY), tz: 'UTC' })}`
    ] as OverviewResponse;
    // The old period holds the old rows (the one just past the limit may fall on the next day).
    expect(overview.current.messages).toBeGreaterThanOrEqual(4);

    await stack.admin!.stop();
    env.RETENTION_DAYS = String(RETENTION_DAYS);
    await stack.startAdmin(stack.adminPort);
  });

  it('removes the text of rows older than that, at start, and keeps the rows', async () => {
    const oldMids = ROWS.filter((r) => r.old).map((r) => r.mid);
    await stack.waitFor(
      async () =>
        (await count(stack, 'SELECT count(*) AS n FROM conversations WHERE text_deleted AND mid = ANY ($1)', [
          oldMids,
        ])) === oldMids.length,
      'retention to remove the old texts',
      30_000,
    );
    const { rows } = await stack.db.query<{
      mid: string;
      message_text: string | null;
      reply_text: string | null;
      text_deleted: boolean;
    }>(
      `SELECT mid, message_text, reply_text, text_deleted FROM conversations WHERE mid LIKE 'ret-%' ORDER BY mid`,
    );
    expect(rows).toEqual(
      [...ROWS]
        .sort((a, b) => a.mid.localeCompare(b.mid))
        .map((r) =>
          r.old
            ? { mid: r.mid, message_text: null, reply_text: null, text_deleted: true }
            : {
                mid: r.mid,
                message_text: `private words of ${r.mid}`,
                reply_text: `reply to ${r.mid}`,
                text_deleted: false,
              },
        ),
    );
    // Old dead letters lose their payload; recent ones keep it.
    const { rows: inbox } = await stack.db.query<{ dedup_key: string; event: unknown }>(
      `SELECT dedup_key, event FROM inbox WHERE dedup_key LIKE 'dead-%' ORDER BY dedup_key`,
    );
    expect(inbox).toEqual([
      { dedup_key: 'dead-new', event: { message: { text: 'new dead letter' } } },
      { dedup_key: 'dead-old', event: null },
    ]);
    // User names stay (deleting a person is a separate request).
    expect(await count(stack, 'SELECT count(*) AS n FROM users WHERE first_name IS NOT NULL')).toBe(3);
    const line = await stack.admin!.waitForLine(/retention: removed old message text/);
    expect(JSON.parse(line)).toMatchObject({ rows: oldMids.length, days: RETENTION_DAYS });
  });

  it('analytics of the old period are unchanged: the aggregates stay', async () => {
    await rollupsSettled();
    expect(await analyticsOfOldPeriod()).toEqual(before);
  });

  it('the export keeps the old rows in place with empty texts', async () => {
    const q = new URLSearchParams({
      format: 'json',
      from: isoDate(now - 365 * DAY),
      to: isoDate(now),
      tz: 'UTC',
    });
    const res = await stack.api<
      Array<{ id: number; message_text: string | null; reply_text: string | null }>
    >(`/api/monitoring/export?${q}`, cookie);
    expect(res.status).toBe(200);
    const { rows: ids } = await stack.db.query<{ id: string; mid: string }>(
      `SELECT id, mid FROM conversations WHERE mid LIKE 'ret-%'`,
    );
    const midOf = new Map(ids.map((r) => [Number(r.id), r.mid]));
    const exported = res.body.filter((r) => midOf.has(r.id));
    expect(exported).toHaveLength(ROWS.length);
    for (const r of exported) {
      const row = ROWS.find((x) => x.mid === midOf.get(r.id))!;
      if (row.old) expect([r.message_text ?? '', r.reply_text ?? '']).toEqual(['', '']);
      else expect(r.message_text).toBe(`private words of ${row.mid}`);
    }
  });
});

describe('REDACT_PII=1', () => {
  const TEXT =
    'Hi, I am Anna. Mail me at anna.schmidt+dentist@example.com or call +49 30 12345678, ' +
    '(030) 1234567 or 0612345678. Is the cleaning still 89.99 EUR? Open 9:00-18:00 since 2019; ' +
    'I would like 2026-03-08 at 10:30 for 2 people.';
  const STORED =
    'Hi, I am Anna. Mail me at [email] or call [phone], ' +
    '[phone] or [phone]. Is the cleaning still 89.99 EUR? Open 9:00-18:00 since 2019; ' +
    'I would like 2026-03-08 at 10:30 for 2 people.';
  const PSID = '6700000000000009';

  it('stores, shows and streams e-mail addresses and phone numbers as [email] and [phone]; ordinary numbers stay', async () => {
    const socket = dashboardSocket(stack, { cookie });
    try {
      expect(await connect(socket)).toEqual({ ok: true });
      expect(await subscribe(socket, { channels: ['messages'] })).toMatchObject({ ok: true });
      const live = record(socket, 'message:new');
      await postText(stack, PSID, TEXT);

      const row = await stack.waitFor(async () => {
        const { rows } = await stack.db.query<{ message_text: string; reply_text: string }>(
          'SELECT message_text, reply_text FROM conversations WHERE facebook_id = $1',
          [PSID],
        );
        return rows[0];
      }, 'the message to be stored');
      expect(row.message_text).toBe(STORED);

      const event = await stack.waitFor(
        () => live.find((e) => e.envelope.data.user_id === PSID)?.envelope.data,
        'the live feed event',
      );
      expect(event.message_text).toBe(STORED);
      const dash = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
      expect(dash.body.recent_messages.find((m: FeedMessage) => m.user_id === PSID)?.message_text).toBe(
        STORED,
      );

      // The raw text is nowhere in the database once answered (the inbox row is gone).
      for (const needle of ['anna.schmidt', '12345678', '1234567', '0612345678']) {
        expect(
          await count(
            stack,
            `SELECT (SELECT count(*) FROM conversations WHERE message_text LIKE $1 OR reply_text LIKE $1)
                  + (SELECT count(*) FROM inbox WHERE event::text LIKE $1) AS n`,
            [`%${needle}%`],
          ),
          needle,
        ).toBe(0);
      }
    } finally {
      socket.disconnect();
    }
  });
});
