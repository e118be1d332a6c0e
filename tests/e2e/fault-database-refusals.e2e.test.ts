import type { HealthReport } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { conversations, newPsid, textBody } from './helpers/bot';

// A database that is there but refuses (a standby after failover, a terminated backend) must cost
// 503s, never a 200 for a message that was not stored, and never the process.
const serverUrl = process.env.TEST_DATABASE_URL;

/** Runs one statement on the server's maintenance database (not the one under test). */
async function onServer(sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

function databaseName(url: string): string {
  return new URL(url).pathname.slice(1);
}

/** Cuts every connection to the database under test (as a failover or restart does). */
async function terminateAll(name: string, where = 'true') {
  await onServer(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND (${where})`,
    [name],
  );
}

describe.skipIf(!serverUrl)('real PostgreSQL refusing writes or cutting connections', () => {
  let stack: Stack;
  let cookie: string;
  let name: string;
  beforeAll(async () => {
    stack = await startStack();
    cookie = await stack.login();
    name = databaseName(stack.databaseUrl);
  }, 120_000);
  afterAll(async () => {
    if (name) await onServer(`ALTER DATABASE ${name} RESET default_transaction_read_only`).catch(() => {});
    await stack?.stop();
  });

  const health = async () => {
    const res = await fetch(`${stack.bots[0]!.url}/debug/health-quick`, {
      headers: { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` },
    });
    return (await res.json()) as HealthReport;
  };

  it('a read-only database (failover to a standby) gets 503s and health down, then every message is stored once', async () => {
    onTestFailed(() => console.log(stack.logs()));
    const psid = newPsid();
    await onServer(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    await terminateAll(name);
    const bodies = Array.from({ length: 20 }, (_, i) => textBody(psid, `while read-only ${i}`));
    const statuses: number[] = [];
    for (const b of bodies) statuses.push((await stack.post(b.body, { timeoutMs: 30_000 })).status);
    console.log(
      `[figures] read-only PG: ${statuses.filter((s) => s === 200).length}/20 answered 200, ${statuses.filter((s) => s === 503).length}/20 answered 503`,
    );
    expect(statuses).toEqual(Array(20).fill(503));
    // Health is down while the webhook refuses (never green beside a 503, never green beside a lost 200).
    const h = await health();
    expect(h.checks.database.status).toBe('down');
    expect(h.status).toBe('down');

    await onServer(`ALTER DATABASE ${name} RESET default_transaction_read_only`);
    await terminateAll(name);
    // Meta retries what was refused.
    await stack.waitFor(
      async () => (await stack.post(bodies[0]!.body, { timeoutMs: 10_000 })).status === 200,
      'the webhook to accept again',
      30_000,
    );
    for (const b of bodies.slice(1)) expect((await stack.post(b.body)).status).toBe(200);
    const mids = bodies.map((b) => b.mid);
    const rows = await stack.waitFor(
      async () => {
        const r = await conversations(stack, mids);
        return r.length === 20 ? r : undefined;
      },
      'all 20 stored',
      60_000,
    );
    expect(new Set(rows.map((r) => r.mid)).size).toBe(20);
    await stack.waitFor(
      async () => (await health()).checks.database.status === 'ok',
      'the database check ok again',
      20_000,
    );
  }, 120_000);

  it('the admin answers 503 and stays up when the connection of a running user deletion is cut', async () => {
    onTestFailed(() => console.log(stack.logs()));
    const psid = newPsid();
    const { body } = textBody(psid, 'to be deleted');
    expect((await stack.post(body)).status).toBe(200);
    await stack.waitFor(
      async () => (await conversations(stack)).some((r) => r.facebook_id === psid),
      'stored',
    );
    // Hold the rollup lock, so the deletion waits on it with its client checked out.
    const holder = new pg.Client({ connectionString: stack.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(7100002)');
      const pending = stack.api(`/api/users/${psid}`, cookie, { method: 'DELETE' });
      await stack.waitFor(async () => {
        const { rows } = await holder.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()`,
          [name],
        );
        return rows[0].n > 0;
      }, 'the deletion waiting on the rollup lock');
      await terminateAll(name, `wait_event_type = 'Lock' AND wait_event = 'advisory'`);
      const res = await pending;
      console.log(
        `[figures] deletion with its connection cut: HTTP ${res.status}, admin running ${stack.admin!.running}`,
      );
      expect(res.status).toBe(503);
    } finally {
      await holder.end();
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.admin!.running).toBe(true);
    // And the retry succeeds.
    const again = await stack.api<{ deleted_messages: number }>(`/api/users/${psid}`, cookie, {
      method: 'DELETE',
    });
    expect(again.status).toBe(200);
    expect(again.body.deleted_messages).toBe(1);
  }, 60_000);

  it('the admin survives a restart-like cut of every connection (503s for a moment, never the process)', async () => {
    onTestFailed(() => console.log(stack.logs()));
    await terminateAll(name);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await stack.api('/api/monitoring/dashboard', cookie)).status);
    }
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(stack.admin!.running).toBe(true);
    await stack.waitFor(
      async () => (await stack.api('/api/monitoring/dashboard', cookie)).status === 200,
      'the admin to answer 200 again',
    );
  }, 60_000);
});
