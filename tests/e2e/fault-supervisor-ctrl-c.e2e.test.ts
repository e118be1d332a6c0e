import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createPool } from '@botpulse/db';
import { type FakeGraphApi, startFakeGraphApi } from '@botpulse/tools/fakes';
import { postWebhook } from '@botpulse/tools/messenger';
import { freePort, ROOT, randomSecrets, ServiceProcess, waitFor } from '@botpulse/tools/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newPsid, textBody } from './helpers/bot';

// Ctrl+C on `npm start` as a terminal delivers it: SIGINT to every process of the foreground
// process group. The supervisor must stop the services first (the bot finishes the replies in
// flight) and its embedded database last; no child may be hit twice or restarted on the way out.

const TOKEN = 'test-page-token';
const N = 10;

const secrets = randomSecrets();

let graph: FakeGraphApi;
let dataDir: string;
let dbPort: number;
let botUrl: string;
let supervisor: ChildProcess;
let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
const lines: string[] = [];
let db: ServiceProcess | undefined;

beforeAll(async () => {
  graph = await startFakeGraphApi({ pageAccessToken: TOKEN });
  dataDir = await mkdtemp(join(tmpdir(), 'botpulse-ctrl-c-'));
  dbPort = await freePort();
  const botPort = await freePort();
  botUrl = `http://127.0.0.1:${botPort}`;
  // Its own process group, as a terminal's foreground job: the test can signal the whole group.
  supervisor = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/src/start.ts')], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FORCE_COLOR: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(dbPort),
      BOT_PORT: String(botPort),
      ADMIN_PORT: String(await freePort()),
      DEMO: '0',
      FB_PAGE_ACCESS_TOKEN: TOKEN,
      GRAPH_API_URL: graph.url,
      ...secrets,
    },
  });
  const proc = supervisor;
  exit = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  for (const stream of [proc.stdout!, proc.stderr!])
    createInterface({ input: stream }).on('line', (l) => lines.push(l));
  await waitFor(
    () => {
      if (proc.exitCode !== null) throw new Error(`supervisor exited:\n${lines.join('\n')}`);
      return lines.some((l) => l.includes('Botpulse is running'));
    },
    'the supervisor to start everything',
    120_000,
    100,
  );
}, 180_000);

afterAll(async () => {
  const pids = lines.flatMap((l) => {
    const m = /^▸ \w+ started \(pid (\d+)\)/.exec(l);
    return m ? [Number(m[1])] : [];
  });
  if (supervisor?.exitCode === null && supervisor.signalCode === null) {
    process.kill(-supervisor.pid!, 'SIGKILL');
    await exit;
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  await db?.stop();
  await graph?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('drains the bot before stopping the embedded database, and exits 0', async () => {
  const posts = Array.from({ length: N }, (_, i) => {
    const psid = newPsid();
    return { psid, ...textBody(psid, `ctrl-c ${i}: do you open on Sunday?`) };
  });
  // Replies take a while (profile 1 s + Send API 1 s): they are in flight at the Ctrl+C.
  graph.setLatency(1_000);
  for (const p of posts) {
    const res = await postWebhook(botUrl, p.body, secrets.FB_APP_SECRET);
    expect(res.status).toBe(200);
  }
  const from = lines.length;
  const pressed = performance.now();
  process.kill(-supervisor.pid!, 'SIGINT');
  expect(await exit).toEqual({ code: 0, signal: null });
  const stopMs = performance.now() - pressed;
  const shutdown = lines.slice(from);
  expect(shutdown).toContain('Stopped.');

  // Each service was asked once, by the supervisor; the database was not restarted as a crash.
  const asked = (name: string) => shutdown.filter((l) => l.includes(`${name} › shutting down`));
  expect(asked('bot')).toHaveLength(1);
  expect(asked('bot')[0]).toContain('"signal":"SIGTERM"');
  expect(asked('admin')).toHaveLength(1);
  expect(asked('db')).toHaveLength(1);
  expect(
    shutdown.filter((l) => /second signal|already shutting down|exited \(|restarting|started \(pid/.test(l)),
  ).toEqual([]);
  expect(shutdown.filter((l) => /storing a conversation failed/.test(l))).toEqual([]);
  // The database went last: after the bot had finished.
  expect(shutdown.findIndex((l) => l.includes('db › shutting down'))).toBeGreaterThan(
    shutdown.findIndex((l) => l.includes('bot › shutting down')),
  );

  // Every reply went out once...
  const sent = graph.sent();
  for (const p of posts) expect(sent.filter((s) => s.recipientId === p.psid)).toHaveLength(1);
  // ...and was stored: read the embedded database the supervisor left behind.
  db = new ServiceProcess('db', join(ROOT, 'tools/src/db.ts'), {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    EMBEDDED_DB_PORT: String(dbPort),
  });
  db.start();
  await db.waitForLine(/embedded database ready/, 60_000);
  const pool = createPool(`postgres://postgres@127.0.0.1:${dbPort}/postgres`, { max: 1 });
  try {
    const { rows } = await pool.query<{ mid: string; status: string }>(
      'SELECT mid, status FROM conversations WHERE mid = ANY ($1::text[])',
      [posts.map((p) => p.mid)],
    );
    expect(rows.map((r) => r.mid).sort()).toEqual(posts.map((p) => p.mid).sort());
    for (const r of rows) expect(r.status).toBe('replied');
    const { rows: pending } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM inbox WHERE processed_at IS NULL',
    );
    expect(pending[0]!.n).toBe(0);
  } finally {
    await pool.end();
  }
  console.log(
    `[ctrl-c] ${N} messages sent, ${N} acknowledged, ${N} answered and stored during the shutdown; ` +
      `npm start stopped in ${(stopMs / 1000).toFixed(1)} s`,
  );
}, 90_000);
