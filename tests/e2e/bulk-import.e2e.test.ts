import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../../tools/src/history/generate';
import { withoutClock } from './helpers/analytics';
import { postText } from './helpers/bot';
import { MESSAGE_COLUMNS, parseCsv } from './helpers/csv';

// `npm run import` end to end: a history (and a few real bot rows with awkward text) exported through
// the admin's real export endpoint, imported by the real command into an empty database served by a
// second admin; every analytics answer of the two admins is then the same. Importing again adds
// nothing; a file with bad rows names them by line and loads the rest.

let source: Stack;
let target: Stack;
let sourceCookie: string;
let targetCookie: string;
let dir: string;
let csvFile: string;
let jsonFile: string;

const DAYS = 20;
const AWKWARD = [
  '=1+1 formula-looking',
  'a,b "quoted"\r\nsecond line',
  '  spaces  ',
  'Zoë 👋 日本語',
  '\t-tab first',
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runImport(databaseUrl: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'import', '--', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** All of the history, as dates (both ends inclusive) in UTC. */
function range(): { from: string; to: string } {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(Date.now() - (DAYS + 2) * 86_400_000), to: day(Date.now() + 86_400_000) };
}

async function exportFile(format: 'csv' | 'json'): Promise<string> {
  const { from, to } = range();
  const res = await fetch(
    `${source.adminUrl}/api/monitoring/export?format=${format}&type=messages&from=${from}&to=${to}&tz=America/New_York`,
    { headers: { cookie: sourceCookie } },
  );
  expect(res.status).toBe(200);
  return res.text();
}

async function count(stack: Stack, sql: string): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>(sql);
  return rows[0]!.n;
}

/** The stored fields an export carries, for every conversation, in mid order. */
async function storedRows(stack: Stack) {
  const { rows } = await stack.db.query(
    `SELECT c.mid, c.facebook_id, nullif(concat_ws(' ', u.first_name, u.last_name), '') AS name, c.kind,
            c.message_text, c.reply_text, c."timestamp", c.response_time_ms, c.status, c.instance_id,
            c.model, c.model_version, c.input_tokens, c.cached_tokens, c.output_tokens, c.reasoning_tokens,
            c.finish_reason, c.block_reason, c.cost_usd, c.price_version,
            u.first_seen, u.last_interaction
       FROM conversations c JOIN users u USING (facebook_id) ORDER BY c.mid`,
  );
  return rows;
}

beforeAll(async () => {
  [source, target] = await Promise.all([startStack(), startStack({ bots: 0, graph: false })]);
  [sourceCookie, targetCookie] = await Promise.all([source.login(), target.login()]);
  await generateHistory(source.db, {
    days: DAYS,
    perDay: 250,
    users: 150,
    seed: 'import-e2e',
    tz: 'America/New_York',
    endMs: Date.now() - 3_600_000,
    batchSize: 2_000,
    instanceId: 'history',
  });
  // Real bot rows: a name with a formula-looking first word, awkward texts, one not yet folded.
  source.graph!.setProfile('7300000000000001', { firstName: '=Eve', lastName: 'de la Cruz' });
  for (const text of AWKWARD) await postText(source, '7300000000000001', text);
  await source.waitFor(
    async () =>
      (await count(
        source,
        `SELECT count(*) AS n FROM conversations WHERE facebook_id = '7300000000000001'`,
      )) === AWKWARD.length,
    'the bot rows stored',
  );
  dir = await mkdtemp(join(tmpdir(), 'botpulse-import-'));
  csvFile = join(dir, 'export.csv');
  jsonFile = join(dir, 'export.json');
  await writeFile(csvFile, await exportFile('csv'));
  await writeFile(jsonFile, await exportFile('json'));
}, 360_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ZONES = ['America/New_York', 'UTC'];

/** Every analytics answer of a stack over the history, without the moment it was computed. */
async function analytics(stack: Stack, cookie: string, tz: string): Promise<Record<string, unknown>> {
  const { from, to } = range();
  const q = `from=${from}&to=${to}&tz=${encodeURIComponent(tz)}`;
  const paths = {
    overview: `/api/analytics/overview?${q}`,
    daily: `/api/analytics/timeline?granularity=day&${q}`,
    weekly: `/api/analytics/timeline?granularity=week&${q}`,
    monthly: `/api/analytics/timeline?granularity=month&${q}`,
    hourly: `/api/analytics/timeline?granularity=hour&from=${to}&to=${to}&tz=${encodeURIComponent(tz)}`,
    users: `/api/analytics/users?page_size=100&${q}`,
    users2: `/api/analytics/users?page=2&page_size=50&${q}`,
    usersByCost: `/api/analytics/users?sort=cost&page_size=100&${q}`,
    heatmap: `/api/analytics/heatmap?${q}`,
  };
  const out: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(paths)) {
    const res = await stack.api<Record<string, unknown>>(path, cookie);
    expect(res.status, `${name} ${JSON.stringify(res.body)}`).toBe(200);
    out[name] = withoutClock(res.body);
  }
  return out;
}

describe('npm run import', () => {
  it('the export carries the Gemini fields and mid; imported into an empty database, every analytics figure (tokens and cost too) is the same', async () => {
    const [header] = parseCsv((await exportFile('csv')).split('\r\n', 1)[0]!);
    expect(header).toEqual(MESSAGE_COLUMNS);
    const total = await count(source, 'SELECT count(*) AS n FROM conversations');
    expect(total).toBeGreaterThan(3_000);

    // Small chunks: users seen in many chunks of the one rebuild transaction (their names and
    // first/last seen are applied once at the end) must come out as in the source.
    const run = await runImport(target.databaseUrl, csvFile, '--chunk', '700');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${total.toLocaleString('en')} stored, 0 already stored`));
    expect(run.stderr).toMatch(/rows · [\d.]+ % · [\d,]+ rows\/s · [\d,]+ s left/);

    expect(await count(target, 'SELECT count(*) AS n FROM conversations')).toBe(total);
    expect(await count(target, 'SELECT count(*) AS n FROM users')).toBe(
      await count(source, 'SELECT count(*) AS n FROM users'),
    );
    // Row by row: the stored fields, names split back, formula-looking text restored.
    expect(await storedRows(target)).toEqual(await storedRows(source));
    // Every index the table had is there again (an empty target is loaded with indexes built at the end).
    const indexes = `SELECT count(*) AS n FROM pg_indexes WHERE tablename = 'conversations'`;
    expect(await count(target, indexes)).toBe(await count(source, indexes));
    // …and so are the users key and the queue trigger (left aside while loading into an empty
    // store, whose rollups are then computed at once; the bad-rows test's rows go through them).
    const keys = `SELECT count(*) AS n FROM pg_constraint WHERE conrelid = 'conversations'::regclass AND contype = 'f' AND convalidated`;
    expect(await count(target, keys)).toBe(1);
    const trigger = `SELECT count(*) AS n FROM pg_trigger WHERE tgname = 'conversations_rollup_queue' AND tgenabled = 'O'`;
    expect(await count(target, trigger)).toBe(1);
    expect(await count(target, 'SELECT count(*) AS n FROM rollup_queue')).toBe(0);

    // The history's replies carry Gemini usage and cost, so the comparison below covers them.
    expect(
      await count(source, 'SELECT count(*) AS n FROM conversations WHERE cost_usd > 0 AND input_tokens > 0'),
    ).toBeGreaterThan(total / 2);
    for (const tz of ZONES) {
      const [got, want] = [
        await analytics(target, targetCookie, tz),
        await analytics(source, sourceCookie, tz),
      ];
      const overview = want.overview as {
        current: { input_tokens: number; output_tokens: number; cost_usd: number };
      };
      expect(overview.current.input_tokens).toBeGreaterThan(0);
      expect(overview.current.output_tokens).toBeGreaterThan(0);
      expect(overview.current.cost_usd).toBeGreaterThan(0);
      const days = (want.daily as { buckets: { cost_by_model?: Record<string, number> }[] }).buckets;
      expect(new Set(days.flatMap((b) => Object.keys(b.cost_by_model ?? {}))).size).toBeGreaterThan(1);
      expect((want.usersByCost as { sort: string }).sort).toBe('cost');
      expect(got, tz).toEqual(want);
    }
  });

  it('importing again (CSV or JSON) adds nothing', async () => {
    const before = await storedRows(target);
    const total = before.length;
    for (const file of [jsonFile, csvFile]) {
      const run = await runImport(target.databaseUrl, file);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(
        `0 stored, ${total.toLocaleString('en')} already stored (same mid), 0 bad rows`,
      );
    }
    expect(await storedRows(target)).toEqual(before);
    expect(await analytics(target, targetCookie, 'UTC')).toEqual(
      await analytics(source, sourceCookie, 'UTC'),
    );
  });

  it('bad rows are listed by line with the reason and skipped; the good ones are loaded; exit 2', async () => {
    const head = MESSAGE_COLUMNS.join(',');
    const row = (mid: string, over: Partial<Record<string, string>> = {}) => {
      const cells: Record<string, string> = {
        id: '1',
        timestamp: '2026-01-05T10:00:00.000-05:00',
        user_id: '7400000000000001',
        user_name: 'Bad Rows',
        kind: 'text',
        message_text: 'hello',
        reply_text: 'hi',
        response_time_ms: '12.5',
        status: 'replied',
        instance_id: 'bot-x',
        mid,
        ...over,
      };
      return MESSAGE_COLUMNS.map((c) => cells[c]).join(',');
    };
    const lines = [
      head,
      row('m_good_1'),
      row('m_bad_status', { status: 'exploded' }),
      row('m_bad_time', { timestamp: 'yesterday' }),
      row('', {}),
      row('m_good_2', { message_text: '"two\r\nlines"' }),
      row('m_bad_rt', { response_time_ms: '-3' }),
      'only,three,fields',
      row('m_good_3', { kind: 'postback' }),
      row('m_bad_tokens', { model: 'gemini-2.5-flash', input_tokens: '-1' }),
      row('m_bad_cost', { model: 'gemini-2.5-flash', input_tokens: '10', cost_usd: 'cheap' }),
      row('m_good_4', {
        model: 'gemini-2.5-flash',
        model_version: 'gemini-2.5-flash',
        input_tokens: '100',
        cached_tokens: '63',
        output_tokens: '20',
        reasoning_tokens: '0',
        finish_reason: 'STOP',
        cost_usd: '0.0000621',
        price_version: '2025-12-01',
      }),
    ];
    const file = join(dir, 'bad.csv');
    await writeFile(file, `${lines.join('\r\n')}\r\n`);
    const before = await count(target, 'SELECT count(*) AS n FROM conversations');
    const run = await runImport(target.databaseUrl, file);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('line 3: status "exploded" is not one of replied, not_sent, failed');
    expect(run.stderr).toContain('line 4: timestamp "yesterday" is not an ISO 8601 instant with a zone');
    expect(run.stderr).toContain('line 5: mid is empty');
    expect(run.stderr).toContain('line 8: response_time_ms "-3" is not a number ≥ 0');
    expect(run.stderr).toContain(`line 9: 3 fields, the header has ${MESSAGE_COLUMNS.length}`);
    expect(run.stderr).toContain('line 11: input_tokens "-1" is not a whole number ≥ 0');
    expect(run.stderr).toContain('line 12: cost_usd "cheap" is not a number ≥ 0');
    expect(run.stdout).toContain('4 stored, 0 already stored (same mid), 7 bad rows skipped, 1 new users');
    expect(await count(target, 'SELECT count(*) AS n FROM conversations')).toBe(before + 4);
    // Queued by the trigger and folded before the command ended.
    expect(await count(target, 'SELECT sum(messages)::int AS n FROM rollup_slots')).toBe(before + 4);
    const { rows } = await target.db.query(`SELECT message_text FROM conversations WHERE mid = 'm_good_2'`);
    expect(rows[0]).toEqual({ message_text: 'two\r\nlines' });
    const { rows: gemini } = await target.db.query(
      `SELECT mid, model, input_tokens, cached_tokens, output_tokens, cost_usd::text AS cost, price_version
         FROM conversations WHERE mid IN ('m_good_1', 'm_good_4') ORDER BY mid`,
    );
    expect(gemini).toEqual([
      {
        mid: 'm_good_1',
        model: null,
        input_tokens: null,
        cached_tokens: null,
        output_tokens: null,
        cost: null,
        price_version: null,
      },
      {
        mid: 'm_good_4',
        model: 'gemini-2.5-flash',
        input_tokens: 100,
        cached_tokens: 63,
        output_tokens: 20,
        cost: '0.0000621',
        price_version: '2025-12-01',
      },
    ]);

    const lenient = await runImport(target.databaseUrl, file, '--allow-bad-rows');
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stdout).toContain('0 stored, 4 already stored (same mid), 7 bad rows skipped');
  });

  it('a file that is not an export is refused whole, naming what is missing', async () => {
    const file = join(dir, 'other.csv');
    await writeFile(file, 'a,b,c\r\n1,2,3\r\n');
    const run = await runImport(target.databaseUrl, file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not a messages export: no column mid, timestamp, user_id');
    const unknown = await runImport(target.databaseUrl, join(dir, 'export.txt'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('add --format csv|json');
  });
});
