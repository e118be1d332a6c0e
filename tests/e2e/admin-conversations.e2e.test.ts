import {
  createPool,
  type Db,
  deleteOldMessageText,
  foldRollupQueue,
  getBucketMessageCounts,
} from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import type {
  ConversationItem,
  ConversationsResponse,
  HeatmapResponse,
  TimelineResponse,
  TranscriptResponse,
  UserProfileResponse,
} from '@botpulse/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminService } from '../../apps/admin/src/server';
import { redactPii } from '../../apps/bot/src/pipeline/redact';
import { cookieOf } from './admin-support';
import { type InProcess, inProcessAdmin } from './helpers/in-process';

// The conversation explorer's API (DESIGN.md "Conversation explorer") on both engines: PGlite
// (C.UTF-8, PostgreSQL 18) and the PostgreSQL 15 server at TEST_DATABASE_URL. Both must return
// the same hits for the multilingual fixtures, page without repeats or gaps while rows arrive,
// agree with the chart, heatmap and failed counts, and keep redaction, deletion and retention.

const ENGINES = [
  { name: 'pglite', serverUrl: '' },
  ...(process.env.TEST_DATABASE_URL ? [{ name: 'postgres', serverUrl: process.env.TEST_DATABASE_URL }] : []),
];

interface Row {
  mid: string;
  user: string;
  text: string | null;
  reply?: string | null;
  ts: string | Date;
  status?: 'replied' | 'failed' | 'not_sent';
  rt?: number;
}

async function insertRows(db: Db, rows: Row[]): Promise<void> {
  const users = [...new Set(rows.map((r) => r.user))];
  await db.query(
    `INSERT INTO users (facebook_id, first_name, last_name, first_seen, last_interaction)
     SELECT u, 'Name', u, now() - interval '1000 days', now() FROM unnest($1::text[]) u
     ON CONFLICT (facebook_id) DO NOTHING`,
    [users],
  );
  await db.query(
    `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                response_time_ms, status, error, instance_id)
     SELECT mid, u, 'text', m, r, t, t, rt, s, CASE WHEN s = 'failed' THEN 'send: boom' END, 'bot-1'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::float8[], $7::text[])
         AS x(mid, u, m, r, t, rt, s)`,
    [
      rows.map((r) => r.mid),
      rows.map((r) => r.user),
      rows.map((r) => r.text),
      rows.map((r) => (r.reply === undefined ? 'ok' : r.reply)),
      rows.map((r) => r.ts),
      rows.map((r) => r.rt ?? 100),
      rows.map((r) => r.status ?? 'replied'),
    ],
  );
}

const MULTILINGUAL: Row[] = [
  { mid: 'ml-1', user: 'ml1', text: 'Schöne Grüße aus München', ts: '2026-02-02T10:00:00Z' },
  { mid: 'ml-2', user: 'ml1', text: 'ÜBER DIE STRAẞE GEHEN', ts: '2026-02-02T10:01:00Z' },
  { mid: 'ml-3', user: 'ml2', text: 'Привет, как дела?', ts: '2026-02-02T10:02:00Z' },
  { mid: 'ml-4', user: 'ml2', text: 'ПРИВЕТ МИР', ts: '2026-02-02T10:03:00Z' },
  { mid: 'ml-5', user: 'ml3', text: '日本語テストです', ts: '2026-02-02T10:04:00Z' },
  { mid: 'ml-6', user: 'ml3', text: 'hello', reply: 'Ответ: ΚΑΛΗΜΈΡΑ κόσμε', ts: '2026-02-02T10:05:00Z' },
  { mid: 'ml-7', user: 'ml3', text: "'; DROP TABLE conversations; --", ts: '2026-02-02T10:06:00Z' },
  { mid: 'ml-8', user: 'ml4', text: '100% off_sale \\o/', ts: '2026-02-02T10:07:00Z' },
  { mid: 'ml-9', user: 'ml4', text: '1000 offXsale', ts: '2026-02-02T10:08:00Z' },
  { mid: 'ml-10', user: 'ml4', text: 'Crème brûlée, s’il vous plaît', ts: '2026-02-02T10:09:00Z' },
];

/** search → the mids it must find (newest first) on every engine */
const SEARCHES: Array<[string, string[]]> = [
  ['grüße', ['ml-1']],
  ['GRÜSSE', []],
  ['münchen', ['ml-1']],
  ['über', ['ml-2']],
  ['привет', ['ml-4', 'ml-3']],
  ['ПрИвЕт', ['ml-4', 'ml-3']],
  ['日本語', ['ml-5']],
  ['テスト', ['ml-5']],
  ['καλημέρα', ['ml-6']],
  ['ответ', ['ml-6']],
  ['drop table', ['ml-7']],
  ["'; drop", ['ml-7']],
  ['100%', ['ml-8']],
  ['off_sale', ['ml-8']],
  ['\\o/', ['ml-8']],
  ['%', ['ml-8']],
  ['_', ['ml-8']],
  ['brûlée', ['ml-10']],
  ['CRÈME', ['ml-10']],
  ['nothing-like-this', []],
];

describe.each(ENGINES)('conversation explorer on $name', ({ serverUrl }) => {
  let database: TestDatabase;
  let admin: InProcess<AdminService>;
  let db: Db;
  let cookie: string;

  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${admin.url}${path}`, { headers: { cookie } });
    return { status: res.status, body: (await res.json()) as T };
  };
  const search = async (params: Record<string, string | number>): Promise<ConversationsResponse> => {
    const { status, body } = await get<ConversationsResponse>(
      `/api/conversations?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`,
    );
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  };
  /** every row of a filter, page by page */
  const all = async (params: Record<string, string | number>, limit = 200): Promise<ConversationItem[]> => {
    const out: ConversationItem[] = [];
    let cursor: string | null = null;
    do {
      const page: ConversationsResponse = await search({ ...params, limit, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  };

  beforeAll(async () => {
    database = await createTestDatabase({ serverUrl });
    db = createPool(database.url, { max: 4 });
    admin = await inProcessAdmin(database.url);
    const res = await fetch(`${admin.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.secrets.ADMIN_USER, password: admin.secrets.ADMIN_PASSWORD }),
    });
    cookie = cookieOf(res);
    await insertRows(db, MULTILINGUAL);
  });
  afterAll(async () => {
    await admin?.stop();
    await db?.end();
    await database?.drop();
  });

  it.each(SEARCHES)('q=%s finds the same rows on every engine', async (q, mids) => {
    const page = await search({ q, from: '2026-02-01', to: '2026-02-03', tz: 'UTC' });
    expect(page.items.map((i) => i.mid)).toEqual(mids);
  });

  it('answers with the contract shape, newest first, every word required', async () => {
    const page = await search({ q: 'привет мир', from: '2026-02-01', to: '2026-02-03' });
    expect(page.items.map((i) => i.mid)).toEqual(['ml-4']);
    expect(Object.keys(page.items[0]!).sort()).toEqual(
      [
        'error',
        'id',
        'instance_id',
        'kind',
        'message_text',
        'mid',
        'reply_text',
        'response_time',
        'status',
        'text_deleted',
        'timestamp',
        'user_id',
        'user_name',
      ].sort(),
    );
    expect(page.items[0]).toMatchObject({
      user_id: 'ml2',
      user_name: 'Name ml2',
      message_text: 'ПРИВЕТ МИР',
    });
    expect(page.next_cursor).toBeNull();
  });

  it('refuses bad input with 400 naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['cursor=garbage!', 'cursor'],
      [`cursor=${Buffer.from('12.x').toString('base64url')}`, 'cursor'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=abc', 'limit'],
      ['status=lost', 'status'],
      ['hour=3', 'hour'],
      ['dow=7', 'dow'],
      ['dow=1&hour=24', 'hour'],
      ['min_response_ms=-5', 'min_response_ms'],
      ['user_id=a%20b', 'user_id'],
      ['tz=Mars/Olympus', 'tz'],
      ['from=2026-13-01', 'from'],
      [`q=${'x'.repeat(201)}`, 'q'],
      ['q=a&q=b', 'q'],
    ];
    for (const [query, parameter] of cases) {
      const { status, body } = await get<{ parameter: string }>(`/api/conversations?${query}`);
      expect([query, status, body.parameter]).toEqual([query, 400, parameter]);
    }
    const export400 = await get<{ parameter: string }>('/api/monitoring/export?type=messages&status=x');
    expect([export400.status, export400.body.parameter]).toEqual([400, 'status']);
    expect((await get<{ parameter: string }>('/api/users/a%20b')).body.parameter).toBe('id');
    expect((await get<{ parameter: string }>('/api/users/ml1/conversations?around=x')).body.parameter).toBe(
      'around',
    );
    expect((await get<{ parameter: string }>('/api/users/ml1/conversations?limit=999')).body.parameter).toBe(
      'limit',
    );
    expect((await get('/api/users/nobody')).status).toBe(404);
    expect((await get('/api/users/ml1/conversations?around=999999')).status).toBe(404);
    const anonymous = await fetch(`${admin.url}/api/conversations`);
    expect(anonymous.status).toBe(401);
  });

  it('pages without a row twice or a row missed while rows arrive with duplicate timestamps', async () => {
    const base = Date.parse('2026-01-10T12:00:00Z');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // offsets in seconds: few distinct values, so many rows share a timestamp
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 17 }),
        fc.array(fc.integer({ min: -10, max: 50 }), { maxLength: 30 }),
        async (offsets, limit, arriving) => {
          run++;
          const user = `pg${run}`;
          const rows = offsets.map((o, i) => ({
            mid: `p${run}-${i}`,
            user,
            text: 'paging',
            // µs apart within one ms: the cursor must keep whole microseconds
            ts: new Date(base + o * 1000)
              .toISOString()
              .replace('Z', `${String((i % 3) * 7).padStart(3, '0')}Z`),
          }));
          await insertRows(db, rows);
          const seen: ConversationItem[] = [];
          let cursor: string | null = null;
          let n = 0;
          do {
            const page: ConversationsResponse = await search({
              user_id: user,
              from: '2026-01-10',
              to: '2026-01-10',
              limit,
              ...(cursor ? { cursor } : {}),
            });
            seen.push(...page.items);
            cursor = page.next_cursor;
            // New rows arrive between pages, some at timestamps already passed, some equal.
            const batch = arriving.slice(n * 3, n * 3 + 3);
            if (batch.length)
              await insertRows(
                db,
                batch.map((o, j) => ({
                  mid: `p${run}-late-${n}-${j}`,
                  user,
                  text: 'paging',
                  ts: new Date(base + o * 1000),
                })),
              );
            n++;
          } while (cursor);
          const ids = seen.map((s) => s.mid);
          expect(new Set(ids).size).toBe(ids.length);
          for (const r of rows) expect(ids).toContain(r.mid);
          for (let i = 1; i < seen.length; i++) {
            const a = seen[i - 1]!;
            const b = seen[i]!;
            expect(a.timestamp >= b.timestamp).toBe(true);
          }
        },
      ),
      { numRuns: 25, seed: 1717 },
    );
  });

  it('counts agree with the charts, the heatmap and the failed count, across a DST change', async () => {
    const tz = 'America/New_York';
    // 2026-03-08 02:00 EST → 03:00 EDT. Rows every 7 minutes over the three days, every 5th failed.
    const start = Date.parse('2026-03-07T00:00:00-05:00');
    const rows: Row[] = [];
    for (let i = 0; i < 550; i++) {
      rows.push({
        mid: `dst-${i}`,
        user: `dst${i % 13}`,
        text: i % 4 === 0 ? 'Frage zur Straße' : 'hello',
        ts: new Date(start + i * 7 * 60_000 + (i % 2) * 37_000),
        status: i % 5 === 0 ? 'failed' : 'replied',
        rt: (i % 10) * 400,
      });
    }
    await insertRows(db, rows);
    const range = { from: '2026-03-07', to: '2026-03-09', tz };
    // Half the rows folded into the rollups, half still queued: counts must not care.
    await foldRollupQueue(admin.service.db, 400, true);

    const hourly = (
      await get<TimelineResponse>(
        `/api/analytics/timeline?${new URLSearchParams({ ...range, granularity: 'hour' })}`,
      )
    ).body;
    expect(hourly.buckets).toHaveLength(71); // 24 + 23 + 24 local hours
    let total = 0;
    for (const b of hourly.buckets) {
      const rowsOf = await all({ from: b.from!, to: b.to!, tz });
      const listed = rowsOf.filter((r) => r.mid.startsWith('dst-')).length;
      expect([b.start, listed]).toEqual([b.start, b.messages]);
      total += b.messages;
    }
    expect(total).toBe(rows.length);

    const daily = (
      await get<TimelineResponse>(
        `/api/analytics/timeline?${new URLSearchParams({ ...range, granularity: 'day' })}`,
      )
    ).body;
    for (const b of daily.buckets) {
      expect(
        (await all({ from: b.from!, to: b.to!, tz })).filter((r) => r.mid.startsWith('dst-')).length,
      ).toBe(b.messages);
    }

    const heat = (await get<HeatmapResponse>(`/api/analytics/heatmap?${new URLSearchParams(range)}`)).body;
    const busy = heat.cells.filter((c) => c.messages > 0);
    expect(busy.reduce((s, c) => s + c.messages, 0)).toBe(rows.length);
    for (const c of busy) {
      const listed = await all({ ...range, dow: c.dow, hour: c.hour });
      expect([c.dow, c.hour, listed.length]).toEqual([c.dow, c.hour, c.messages]);
    }

    const [counts] = await getBucketMessageCounts(db, [
      { start: new Date('2026-03-08T05:00:00Z'), end: new Date('2026-03-08T09:00:00Z') },
    ]);
    const failed = await all({
      from: '2026-03-08T05:00:00Z',
      to: '2026-03-08T09:00:00Z',
      tz,
      status: 'failed',
    });
    expect(failed.length).toBe(counts!.failed);
    expect(failed.every((r) => r.status === 'failed')).toBe(true);

    const slow = await all({ ...range, min_response_ms: 2000 });
    expect(slow.length).toBe(rows.filter((r) => (r.rt ?? 0) >= 2000).length);
    const words = await all({ ...range, q: 'straße' });
    expect(words.length).toBe(rows.filter((r) => r.text?.includes('Straße')).length);
  });

  it('exports exactly the rows the explorer lists for the same filter', async () => {
    const params = {
      from: '2026-03-07',
      to: '2026-03-09',
      tz: 'America/New_York',
      q: 'frage',
      status: 'failed',
    };
    const listed = await all(params);
    const res = await fetch(
      `${admin.url}/api/monitoring/export?${new URLSearchParams({ ...params, format: 'json', type: 'messages' })}`,
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    const exported = (await res.json()) as Array<{ id: number }>;
    expect(exported.map((r) => r.id).sort((a, b) => a - b)).toEqual(
      listed.map((r) => r.id).sort((a, b) => a - b),
    );
    expect(exported.length).toBeGreaterThan(0);
  });

  it('gives a profile and a transcript paged both ways and around a message', async () => {
    const user = 'transcript1';
    const rows: Row[] = Array.from({ length: 23 }, (_, i) => ({
      mid: `tr-${i}`,
      user,
      text: `message ${i}`,
      ts: new Date(Date.parse('2026-01-20T00:00:00Z') + Math.floor(i / 2) * 60_000),
      status: i === 5 ? 'failed' : 'replied',
      rt: 100 + i,
    }));
    await insertRows(db, rows);
    const profile = (await get<UserProfileResponse>(`/api/users/${user}`)).body;
    expect(profile).toMatchObject({ user_id: user, name: `Name ${user}`, messages: 23, failures: 1 });
    expect(profile.avg_response_time_ms).toBeCloseTo(111, 3);

    const newest = (await get<TranscriptResponse>(`/api/users/${user}/conversations?limit=5`)).body;
    expect(newest.items.map((i) => i.mid)).toEqual(['tr-18', 'tr-19', 'tr-20', 'tr-21', 'tr-22']);
    expect(newest.after).toBeNull();
    // Walk back to the start, then forward to the end again.
    const back: string[] = [...newest.items.map((i) => i.mid)];
    let before = newest.before;
    let last: TranscriptResponse = newest;
    while (before) {
      last = (await get<TranscriptResponse>(`/api/users/${user}/conversations?limit=5&before=${before}`))
        .body;
      back.unshift(...last.items.map((i) => i.mid));
      before = last.before;
    }
    expect(back).toEqual(rows.map((r) => r.mid));
    const forward: string[] = [...last.items.map((i) => i.mid)];
    let after = last.after;
    while (after) {
      const page = (await get<TranscriptResponse>(`/api/users/${user}/conversations?limit=5&after=${after}`))
        .body;
      forward.push(...page.items.map((i) => i.mid));
      after = page.after;
    }
    expect(forward).toEqual(rows.map((r) => r.mid));

    const target = (await all({ user_id: user, from: '2026-01-20', to: '2026-01-20' })).find(
      (i) => i.mid === 'tr-11',
    )!;
    const around = (
      await get<TranscriptResponse>(`/api/users/${user}/conversations?limit=6&around=${target.id}`)
    ).body;
    expect(around.items.map((i) => i.mid)).toEqual(['tr-8', 'tr-9', 'tr-10', 'tr-11', 'tr-12', 'tr-13']);
    expect(around.before).not.toBeNull();
    expect(around.after).not.toBeNull();
    // A message of someone else is not "around" in this transcript.
    const other = (await search({ q: 'grüße', from: '2026-02-01', to: '2026-02-03' })).items[0]!;
    expect((await get(`/api/users/${user}/conversations?around=${other.id}`)).status).toBe(404);
  });

  it('keeps redaction, deletion and retention whole', async () => {
    const now = Date.now();
    const email = 'anna.schmidt@example.org';
    await insertRows(db, [
      {
        mid: 'pv-1',
        user: 'pv1',
        text: redactPii(`Schreib mir an ${email} bitte`),
        ts: new Date(now - 3_600_000),
      },
      { mid: 'pv-2', user: 'pv2', text: 'Löschen: geheimnis', ts: new Date(now - 3_600_000) },
      { mid: 'pv-3', user: 'pv3', text: 'uralt vertraulich', ts: new Date(now - 40 * 86_400_000) },
    ]);
    const recent = {
      from: new Date(now - 60 * 86_400_000).toISOString(),
      to: new Date(now + 60_000).toISOString(),
    };
    expect((await search({ ...recent, q: 'anna.schmidt' })).items).toHaveLength(0);
    expect((await search({ ...recent, q: 'example.org' })).items).toHaveLength(0);
    const redacted = (await search({ ...recent, q: '[email]' })).items;
    expect(redacted.map((i) => i.mid)).toEqual(['pv-1']);
    expect(redacted[0]!.message_text).not.toContain(email);

    expect((await search({ ...recent, q: 'geheimnis' })).items).toHaveLength(1);
    const del = await fetch(`${admin.url}/api/users/pv2`, {
      method: 'DELETE',
      headers: { cookie, origin: admin.url },
    });
    expect(del.status).toBe(200);
    expect((await search({ ...recent, q: 'geheimnis' })).items).toHaveLength(0);
    expect((await get('/api/users/pv2')).status).toBe(404);
    expect((await get('/api/users/pv2/conversations')).status).toBe(404);

    expect((await search({ ...recent, q: 'vertraulich' })).items).toHaveLength(1);
    while ((await deleteOldMessageText(db, 30)) > 0);
    expect((await search({ ...recent, q: 'vertraulich' })).items).toHaveLength(0);
    const kept = (await search({ ...recent, user_id: 'pv3' })).items;
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ message_text: null, reply_text: null, text_deleted: true });
  });
});
