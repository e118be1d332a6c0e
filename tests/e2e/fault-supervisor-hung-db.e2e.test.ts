import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, type Db } from '@botpulse/db';
import { postWebhook } from '@botpulse/tools/messenger';
import { freePort, ROOT, randomSecrets, ServiceProcess, waitFor } from '@botpulse/tools/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newPsid, textBody } from './helpers/bot';

// `npm start` with the embedded database: the database process is alive but stops answering
// (SIGSTOP stands for a session stuck in a protocol state). Exit detection cannot see it; the
// supervisor's liveness query must, kill it and start it again, and the bot must carry on.

const secrets = randomSecrets();
let dataDir: string;
let supervisor: ServiceProcess;
let botUrl: string;
let dbUrl: string;

function started(name: string): number[] {
  const re = new RegExp(`^▸ ${name} started \\(pid (\\d+)\\)`);
  return supervisor.lines.flatMap((l) => {
    const m = re.exec(l);
    return m ? [Number(m[1])] : [];
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'botpulse-hung-db-'));
  const [botPort, adminPort, dbPort] = [await freePort(), await freePort(), await freePort()];
  botUrl = `http://127.0.0.1:${botPort}`;
  dbUrl = `postgres://postgres@127.0.0.1:${dbPort}/postgres`;
  supervisor = new ServiceProcess('supervisor', join(ROOT, 'tools/src/start.ts'), {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    DATA_DIR: dataDir,
    BOT_PORT: String(botPort),
    ADMIN_PORT: String(adminPort),
    EMBEDDED_DB_PORT: String(dbPort),
    DEMO: '0',
    ...secrets,
  });
  supervisor.start();
  await supervisor.waitForLine(/Botpulse is running/, 180_000);
}, 240_000);

afterAll(async () => {
  const pids = supervisor ? [...started('bot'), ...started('admin'), ...started('db')] : [];
  for (const pid of started('db')) if (alive(pid)) process.kill(pid, 'SIGCONT');
  await supervisor?.stop('SIGTERM', 20_000);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('kills and restarts a database that is alive but no longer answers; messages flow again', async () => {
  const [dbPid] = started('db');
  expect(dbPid).toBeGreaterThan(0);
  const hungAt = Date.now();
  process.kill(dbPid!, 'SIGSTOP');
  await supervisor.waitForLine(/db stopped answering/, 60_000);
  const newPid = await waitFor(
    () => started('db').find((p) => p !== dbPid),
    'a new database process',
    30_000,
  );
  expect(alive(dbPid!)).toBe(false);
  const db: Db = createPool(dbUrl, { max: 1 });
  try {
    await waitFor(
      async () => {
        await db.query('SELECT 1');
        return true;
      },
      'the restarted database to answer',
      60_000,
    );
    console.log(
      `[figures] hung database replaced by pid ${newPid} after ${((Date.now() - hungAt) / 1000).toFixed(1)} s`,
    );
    const psid = newPsid();
    const { body, mid } = textBody(psid, 'after the database came back');
    const status = await waitFor(
      async () => {
        const r = await postWebhook(botUrl, body, secrets.FB_APP_SECRET, { timeoutMs: 10_000 });
        return r.status === 200 ? r.status : undefined;
      },
      'the webhook to accept',
      60_000,
    );
    expect(status).toBe(200);
    await waitFor(
      async () => {
        const { rows } = await db.query('SELECT 1 FROM conversations WHERE mid = $1', [mid]);
        return rows.length === 1;
      },
      'the message stored',
      60_000,
    );
  } finally {
    await db.end();
  }
}, 240_000);
