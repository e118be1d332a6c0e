import type { ExportConversationRow } from '@botpulse/db';
import type { ApiError } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, rssMb } from './admin-support';
import { postText } from './helpers/bot';
import { MESSAGE_COLUMNS, parseCsv } from './helpers/csv';

// GET /api/monitoring/export end to end: conversations stored by the real bot with awkward text,
// read back as CSV (parsed strictly here) and JSON and compared row by row with the database;
// formula-looking cells neutralised; local times with their offsets; a large export streamed.

const TZ = 'Europe/Berlin';
const METRIC_COLUMNS = [
  'timestamp',
  'metric_type',
  'instance_id',
  'messages_total',
  'messages_last_hour',
  'messages_last_24h',
  'avg_response_time_ms',
  'p95_response_time_ms',
  'failed_total',
  'users_total',
  'users_active_today',
  'users_active_this_week',
  'memory_mb',
  'cpu_percent',
  'database_connections',
];

const PEOPLE = [
  { psid: '6300000000000001', firstName: '=Evil', lastName: '"Quote, Comma"' },
  { psid: '6300000000000002', firstName: 'Zoë', lastName: 'Ünïcødé 🚀' },
  { psid: '6300000000000003', firstName: '-Minus', lastName: "O'Brien" },
  { psid: '6300000000000004', firstName: 'Plain', lastName: 'Person' },
];

const TEXTS = [
  'He said "hi", then left',
  'a,b,,c',
  'line1\r\nline2\nline3\rline4',
  'Zoë 👋 café — naïve 日本語 🎉',
  '=1+1',
  '+cmd',
  '-2',
  '@x',
  '\tleading tab',
  '\rleading CR',
  '=HYPERLINK("http://evil.example","click")',
  '"quoted"',
  '  spaces around  ',
  'trailing newline\n',
  '-',
  'plain text',
  // Look-alikes (OWASP): whitespace before the trigger, full-width triggers.
  ' =1+2',
  '\n+1',
  '\u00a0-1',
  '\u3000@a',
  '＝1+2',
  '＋cmd',
  '－2',
  '＠x',
];

/** 2026-03-28T12:00Z onwards every 2 h: across Berlin's spring change (2026-03-29 01:00Z). */
const FIRST_MS = Date.UTC(2026, 2, 28, 12);
const STEP_MS = 2 * 3_600_000;
/** Just outside the local dates 2026-03-28..2026-03-30 in Berlin, on both sides. */
const OUTSIDE = [
  { text: 'before the range', ts: Date.parse('2026-03-27T23:59:59.999+01:00') },
  { text: 'after the range', ts: Date.parse('2026-03-31T00:00:00+02:00') },
];

let stack: Stack;
let cookie: string;

/**
 * The admin's (and bot's) old generation is capped, so garbage cannot pile up for long before V8
 * collects it: RSS then shows what the admin really holds during an export, not GC laziness.
 * Measured: a 91 MB export grows the admin's RSS by 15-50 MB with the cap (and by 90-150 MB without,
 * for 91 and 273 MB exports alike: slack, not retention).
 */
const HEAP_CAP = '--max-old-space-size=128';

beforeAll(async () => {
  stack = await startStack({ env: { NODE_OPTIONS: HEAP_CAP } });
  cookie = await stack.login();
  for (const p of PEOPLE) stack.graph!.setProfile(p.psid, { firstName: p.firstName, lastName: p.lastName });
  for (const [i, text] of TEXTS.entries()) {
    await postText(stack, PEOPLE[i % PEOPLE.length]!.psid, text, FIRST_MS + i * STEP_MS);
  }
  for (const o of OUTSIDE) await postText(stack, PEOPLE[3]!.psid, o.text, o.ts);
  await stack.waitFor(
    async () =>
      (await count(stack, 'SELECT count(*) AS n FROM conversations')) === TEXTS.length + OUTSIDE.length,
    'every conversation stored',
  );
  // One row the bot could not answer: an empty reply cell / null.
  await stack.db.query(
    `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                response_time_ms, status, error, instance_id)
     VALUES ('m_no_reply', $1, 'attachment', '[image]', NULL, $2, $2, 12.5, 'failed', 'send: boom', 'bot-1')`,
    [PEOPLE[3]!.psid, new Date(Date.parse('2026-03-30T23:59:00+02:00'))],
  );
});
afterAll(async () => {
  await stack?.stop();
});

/** A stored message as the export reads it (its own query below is the independent reference). */
type Row = ExportConversationRow;

async function dbRows(start: Date, end: Date): Promise<Row[]> {
  const { rows } = await stack.db.query<Row>(
    `SELECT c.id, c."timestamp", c.facebook_id AS user_id,
            nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name,
            c.kind, c.message_text, c.reply_text, c.response_time_ms, c.status, c.instance_id,
            c.model, c.model_version, c.input_tokens, c.cached_tokens, c.output_tokens, c.reasoning_tokens,
            c.finish_reason, c.block_reason, c.cost_usd, c.price_version, c.mid
       FROM conversations c JOIN users u USING (facebook_id)
      WHERE c."timestamp" >= $1 AND c."timestamp" < $2
      ORDER BY c."timestamp", c.id`,
    [start, end],
  );
  return rows;
}

/** An instant as local time in `tz` with its offset, built with Intl (not with the admin's luxon). */
function localIso(d: Date, tz: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  // ISO 8601 writes UTC itself as Z; a zone that is merely at +00:00 (London in winter) keeps it.
  const offset =
    tz === 'UTC' ? 'Z' : parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName!.replace('GMT', '');
  const ms = String(d.getUTCMilliseconds()).padStart(3, '0');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${ms}${offset}`;
}

/**
 * What a spreadsheet must see: text that would start a formula (a trigger first, or first after
 * leading whitespace, full-width triggers included; or a leading tab or line break) gets a
 * leading apostrophe.
 */
function cell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const startsFormula = '=+-@＝＋－＠'.includes(v.trimStart()[0] ?? 'x') || /^[\t\r\n]/.test(v);
  return startsFormula ? `'${v}` : v;
}

function expectedCsvRow(r: Row): string[] {
  return [
    String(r.id),
    localIso(r.timestamp, TZ),
    cell(r.user_id),
    cell(r.user_name),
    cell(r.kind),
    cell(r.message_text),
    cell(r.reply_text),
    cell(r.response_time_ms),
    cell(r.status),
    cell(r.instance_id),
    cell(r.model),
    cell(r.model_version),
    cell(r.input_tokens),
    cell(r.cached_tokens),
    cell(r.output_tokens),
    cell(r.reasoning_tokens),
    cell(r.finish_reason),
    cell(r.block_reason),
    cell(r.cost_usd),
    cell(r.price_version),
    cell(r.mid),
  ];
}

async function exportRaw(query: string): Promise<Response> {
  return fetch(`${stack.adminUrl}/api/monitoring/export?${query}`, { headers: { cookie } });
}

/** The local dates 2026-03-28..2026-03-30 in Berlin as instants. */
const RANGE = { start: new Date('2026-03-28T00:00:00+01:00'), end: new Date('2026-03-31T00:00:00+02:00') };

describe('messages export', () => {
  it('CSV: header, every row equal to the database, formulas neutralised, local offsets', async () => {
    const res = await exportRaw(`format=csv&type=messages&from=2026-03-28&to=2026-03-30&tz=${TZ}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="botpulse-messages-2026-03-28_to_2026-03-30-Europe_Berlin.csv"',
    );
    const text = await res.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(MESSAGE_COLUMNS);

    const stored = await dbRows(RANGE.start, RANGE.end);
    expect(stored).toHaveLength(TEXTS.length + 1);
    expect(rows).toHaveLength(stored.length);
    for (const [i, r] of stored.entries())
      expect(rows[i], `row ${i + 1} (id ${r.id})`).toEqual(expectedCsvRow(r));

    // The awkward cells, spelled out rather than recomputed.
    const byText = new Map(rows.map((r) => [r[5], r]));
    for (const [stored, shown] of [
      ['=1+1', "'=1+1"],
      ['+cmd', "'+cmd"],
      ['-2', "'-2"],
      ['@x', "'@x"],
      ['\tleading tab', "'\tleading tab"],
      ['\rleading CR', "'\rleading CR"],
      ['-', "'-"],
      [' =1+2', "' =1+2"],
      ['\n+1', "'\n+1"],
      ['\u00a0-1', "'\u00a0-1"],
      ['\u3000@a', "'\u3000@a"],
      ['＝1+2', "'＝1+2"],
      ['＋cmd', "'＋cmd"],
      ['－2', "'－2"],
      ['＠x', "'＠x"],
      ['=HYPERLINK("http://evil.example","click")', `'=HYPERLINK("http://evil.example","click")`],
    ] as const) {
      expect(byText.has(shown), `${JSON.stringify(stored)} shown as ${JSON.stringify(shown)}`).toBe(true);
      expect(byText.has(stored)).toBe(false);
    }
    for (const kept of [
      'He said "hi", then left',
      'a,b,,c',
      'line1\r\nline2\nline3\rline4',
      'Zoë 👋 café — naïve 日本語 🎉',
      '"quoted"',
      '  spaces around  ',
      'trailing newline\n',
    ]) {
      expect(byText.has(kept), JSON.stringify(kept)).toBe(true);
    }
    const names = new Set(rows.map((r) => r[3]));
    expect(names).toEqual(
      new Set([`'=Evil "Quote, Comma"`, 'Zoë Ünïcødé 🚀', "'-Minus O'Brien", 'Plain Person']),
    );
    // Times carry the zone's offset of their own instant: both sides of the change are present.
    expect(new Set(rows.map((r) => r[1]!.slice(-6)))).toEqual(new Set(['+01:00', '+02:00']));
    expect(rows.find((r) => r[5] === '[image]')).toMatchObject({ 6: '', 8: 'failed' });
    expect(rows.some((r) => r[5] === 'before the range' || r[5] === 'after the range')).toBe(false);
  });

  it('JSON: one array of row objects equal to the database rows', async () => {
    const res = await exportRaw(`format=json&type=messages&from=2026-03-28&to=2026-03-30&tz=${TZ}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="botpulse-messages-2026-03-28_to_2026-03-30-Europe_Berlin.json"',
    );
    const body: unknown = JSON.parse(await res.text());
    expect(Array.isArray(body)).toBe(true);
    const stored = await dbRows(RANGE.start, RANGE.end);
    // JSON needs no neutralising: the text is exactly what was stored.
    expect(body).toEqual(stored.map((r) => ({ ...r, timestamp: localIso(r.timestamp, TZ) })));
  });

  it('ISO instants select [from, to) and zones other than the range’s are written with their offset', async () => {
    const from = '2026-03-29T00:00:00Z';
    const to = '2026-03-29T12:00:00Z';
    const res = await exportRaw(`format=csv&type=messages&from=${from}&to=${to}&tz=America/New_York`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="botpulse-messages-2026-03-28T200000-04:?00_to_2026-03-29T080000-04:?00-America_New_York\.csv"$/,
    );
    const [, ...rows] = parseCsv(await res.text());
    const stored = await dbRows(new Date(from), new Date(to));
    expect(stored.length).toBeGreaterThan(0);
    expect(rows).toEqual(
      stored.map((r) => [
        String(r.id),
        localIso(r.timestamp, 'America/New_York'),
        ...expectedCsvRow(r).slice(2),
      ]),
    );
    expect(rows.every((r) => r[1]!.endsWith('-04:00'))).toBe(true);
  });

  it('an empty range: only the header, or an empty JSON array', async () => {
    const csv = await exportRaw('format=csv&type=messages&from=2020-01-01&to=2020-01-02&tz=UTC');
    expect(parseCsv(await csv.text())).toEqual([MESSAGE_COLUMNS]);
    const json = await exportRaw('format=json&type=messages&from=2020-01-01&to=2020-01-02&tz=UTC');
    expect(JSON.parse(await json.text())).toEqual([]);
  });
});

describe('metrics export', () => {
  const snapshots = [
    { at: '2026-03-29T00:30:00Z', type: 'bot_metrics', instance: 'bot-1', total: 10, memory: 81.5 },
    { at: '2026-03-29T01:30:00Z', type: 'bot_metrics', instance: 'bot-2', total: 11, memory: 82.25 },
    { at: '2026-03-29T02:30:00Z', type: '=cmd', instance: '@bot', total: 12, memory: 83 },
  ];

  beforeAll(async () => {
    for (const s of snapshots) {
      const value = {
        timestamp: s.at,
        messages: {
          total: s.total,
          last_hour: 2,
          last_24h: 5,
          avg_response_time: 650.5,
          p95_response_time: 1200.25,
          failed_total: 1,
        },
        users: { total: 7, active_today: 3, active_this_week: 6 },
        system: { memory_mb: s.memory, cpu_percent: 1.5, database_connections: 4 },
      };
      await stack.db.query(
        `INSERT INTO metrics ("timestamp", metric_type, metric_value, instance_id)
         VALUES ($1::timestamptz AT TIME ZONE 'UTC', $2, $3::jsonb, $4)`,
        [s.at, s.type, JSON.stringify(value), s.instance],
      );
    }
    // A snapshot outside the range, and one with missing fields (empty cells, not "undefined").
    await stack.db.query(
      `INSERT INTO metrics ("timestamp", metric_type, metric_value, instance_id)
       VALUES ('2026-03-27 10:00', 'bot_metrics', '{}', 'bot-1'), ('2026-03-29 03:00', 'sparse', '{"messages": {}}', NULL)`,
    );
  });

  it('CSV has one row per snapshot with the plan’s figures', async () => {
    const res = await exportRaw(`format=csv&type=metrics&from=2026-03-28&to=2026-03-30&tz=${TZ}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="botpulse-metrics-2026-03-28_to_2026-03-30-Europe_Berlin.csv"',
    );
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(METRIC_COLUMNS);
    expect(rows).toEqual([
      ...snapshots.map((s) => [
        localIso(new Date(s.at), TZ),
        cell(s.type),
        cell(s.instance),
        String(s.total),
        '2',
        '5',
        '650.5',
        '1200.25',
        '1',
        '7',
        '3',
        '6',
        String(s.memory),
        '1.5',
        '4',
      ]),
      [localIso(new Date('2026-03-29T03:00:00Z'), TZ), 'sparse', ...Array(13).fill('')],
    ]);
    expect(rows.map((r) => r[0]!.slice(-6))).toEqual(['+01:00', '+02:00', '+02:00', '+02:00']);
  });

  it('JSON has the same rows as objects', async () => {
    const res = await exportRaw(`format=json&type=metrics&from=2026-03-29&to=2026-03-29&tz=UTC`);
    const body = JSON.parse(await res.text()) as Array<Record<string, unknown>>;
    expect(
      body.map((r) => [r.timestamp, r.metric_type, r.instance_id, r.messages_total, r.memory_mb]),
    ).toEqual([
      ...snapshots.map((s) => [localIso(new Date(s.at), 'UTC'), s.type, s.instance, s.total, s.memory]),
      [localIso(new Date('2026-03-29T03:00:00Z'), 'UTC'), 'sparse', null, null, null],
    ]);
    expect(Object.keys(body[0]!)).toEqual(METRIC_COLUMNS);
  });
});

describe('bad parameters', () => {
  it.each([
    ['format=xml', 'format'],
    ['type=foo', 'type'],
    ['tz=Mars/Base', 'tz'],
    ['from=2026-13-01&to=2026-12-31', 'from'],
    ['from=2026-03-05&to=2026-03-01', 'from'],
    ['from=2000-01-01&to=2026-03-01', 'to'],
    ['format=csv&format=json', 'format'],
  ])('%s → 400 naming %s', async (query, parameter) => {
    const res = await stack.api<ApiError>(`/api/monitoring/export?${query}`, cookie);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_parameter', parameter });
    expect(res.body.message).toContain(parameter);
  });
});

describe('a large export', () => {
  const ROWS = 50_000;
  const TEXT_CHARS = 900;
  const MAX_GROWTH_MB = 64;

  beforeAll(async () => {
    await stack.db.query(
      `INSERT INTO users (facebook_id, first_name, last_name, first_seen, last_interaction)
       SELECT '6390000000' || lpad(g::text, 3, '0'), 'Bulk', 'User ' || g, TIMESTAMPTZ '2025-06-01', TIMESTAMPTZ '2025-07-01'
         FROM generate_series(0, 99) g`,
    );
    await stack.db.query(
      `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                  response_time_ms, status, instance_id)
       SELECT 'bulk-' || g, '6390000000' || lpad((g % 100)::text, 3, '0'), 'text',
              'message ' || g || ' ' || repeat('x', $2), 'reply ' || g || ' ' || repeat('y', $2),
              TIMESTAMPTZ '2025-06-01 00:00:00Z' + g * interval '30 seconds',
              TIMESTAMPTZ '2025-06-01 00:00:00Z' + g * interval '30 seconds', 100 + g % 900, 'replied', 'bulk'
         FROM generate_series(0, $1 - 1) g`,
      [ROWS, TEXT_CHARS],
    );
  });

  it(`${ROWS.toLocaleString('en')} rows stream out with bounded admin memory`, async () => {
    const pid = stack.admin!.pid!;
    // Warm up the code path with a small export, then take the baseline.
    const warm = await exportRaw('format=csv&type=messages&from=2025-06-01&to=2025-06-01&tz=UTC');
    expect(parseCsv(await warm.text()).length).toBe(2_881);
    const baseline = rssMb(pid);

    const started = performance.now();
    const res = await exportRaw('format=csv&type=messages&from=2025-05-31&to=2025-06-30&tz=UTC');
    expect(res.status).toBe(200);
    let peak = baseline;
    let bytes = 0;
    let lines = 0;
    let firstChunkAt = 0;
    let tail = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body! as AsyncIterable<Uint8Array>) {
      if (!firstChunkAt) firstChunkAt = performance.now() - started;
      bytes += chunk.byteLength;
      const text = decoder.decode(chunk, { stream: true });
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
      tail = (tail + text).slice(-4_000);
      peak = Math.max(peak, rssMb(pid));
    }
    const totalMs = performance.now() - started;
    const mb = bytes / 1024 / 1024;
    console.log(
      `[export] ${ROWS} rows, ${mb.toFixed(1)} MB CSV in ${(totalMs / 1000).toFixed(1)} s ` +
        `(first bytes after ${firstChunkAt.toFixed(0)} ms); admin RSS ${baseline.toFixed(0)} → peak ${peak.toFixed(0)} MB`,
    );
    expect(lines).toBe(ROWS + 1);
    const last = parseCsv(tail.slice(tail.indexOf('\r\n', 0) + 2)).at(-1)!;
    expect(last[5]).toBe(`message ${ROWS - 1} ${'x'.repeat(TEXT_CHARS)}`);
    // Streamed: the first page leaves long before the last one is read.
    expect(firstChunkAt).toBeLessThan(totalMs / 4);
    // The bound: a page of 2,000 rows is ~3.6 MB of text, alive in a few copies at once (pg's
    // rows, the cells, the CSV text, the socket's buffer) ≈ 15 MB, plus V8's young generation and
    // collector slack: 15-50 MB in all, measured. Holding the export instead would take at least its
    // own size in CSV text alone — ~91 MB, more than the bound (and than the heap cap allows).
    expect(mb).toBeGreaterThan(MAX_GROWTH_MB * 1.3);
    expect(peak - baseline).toBeLessThan(MAX_GROWTH_MB);
    expect(stack.admin!.running).toBe(true);
  });
});
