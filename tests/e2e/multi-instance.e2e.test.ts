import { randomBytes } from 'node:crypto';
import type { FeedMessage, MonitoringDashboard } from '@botpulse/protocol';
import { DEMO_PAGE, entry, textMessage, webhookBody } from '@botpulse/tools/messenger';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Several bots and several admins on the real PostgreSQL and Redis servers (DESIGN.md: bots are told
// apart by INSTANCE_ID, admins share broadcasts through the Socket.io Redis Streams adapter).
const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

function message(psid: string, text: string, mid = `m_${randomBytes(8).toString('hex')}`) {
  return webhookBody([entry(DEMO_PAGE.id, [textMessage({ psid, text, mid })])]);
}

describe.skipIf(!databaseUrl || !redisUrl)('two bots and two admins on PostgreSQL and Redis', () => {
  let stack: Stack;
  let adminB: { url: string };
  let cookie: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startStack({
      bots: 0,
      redisUrl,
      env: {
        REDIS_PREFIX: `botpulse-test-${randomBytes(4).toString('hex')}`,
        INSTANCE_GONE_AFTER_MS: '2000',
      },
    });
    adminB = await stack.spawnAdmin('admin-b');
    await stack.addBot('bot-1');
    await stack.addBot('bot-2', adminB.url);
    cookie = await stack.login();
  }, 180_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await stack?.stop();
  });

  async function dashboardSocket(url: string): Promise<{ socket: Socket; received: FeedMessage[] }> {
    const socket = io(`${url}/dashboard`, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      reconnection: false,
    });
    sockets.push(socket);
    const received: FeedMessage[] = [];
    socket.on('message:new', (e: { data: FeedMessage }) => received.push(e.data));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const ack = await socket.emitWithAck('subscribe', {
      type: 'subscribe',
      channels: ['messages', 'metrics', 'health'],
    });
    expect(ack).toMatchObject({ ok: true });
    return { socket, received };
  }

  it('a login on one admin is valid on the other, and a logout ends it on both', async () => {
    const other = await stack.login();
    expect((await fetch(`${adminB.url}/api/auth/me`, { headers: { cookie: other } })).status).toBe(200);
    expect(
      (await fetch(`${adminB.url}/api/auth/logout`, { method: 'POST', headers: { cookie: other } })).status,
    ).toBe(204);
    expect((await fetch(`${stack.adminUrl}/api/auth/me`, { headers: { cookie: other } })).status).toBe(401);
  });

  it('a dashboard on either admin sees every message from either bot, once and in order', async () => {
    const onA = await dashboardSocket(stack.adminUrl);
    const onB = await dashboardSocket(adminB.url);
    const texts: string[] = [];
    for (let i = 0; i < 20; i++) {
      const text = `hello ${i} from user ${i % 5}`;
      texts.push(text);
      const res = await stack.post(message(`651200000000100${i % 5}`, text), { bot: i % 2 });
      expect(res.status).toBe(200);
    }
    for (const dash of [onA, onB]) {
      await stack.waitFor(() => dash.received.length >= 20, 'all 20 messages on a dashboard');
      expect(dash.received.map((m) => m.message_text).sort()).toEqual([...texts].sort());
      const ids = dash.received.map((m) => m.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(dash.received.map((m) => m.instance_id))).toEqual(new Set(['bot-1', 'bot-2']));
    }
  });

  it('the same mid delivered to both bots (a retry landing elsewhere) is stored and counted once', async () => {
    const body = message('6512000000002000', 'retry me', `m_retry_${randomBytes(6).toString('hex')}`);
    const [a, b] = await Promise.all([stack.post(body, { bot: 0 }), stack.post(body, { bot: 1 })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await stack.waitFor(async () => {
      const { rows } = await stack.db.query(
        `SELECT count(*) AS n FROM conversations WHERE message_text = 'retry me'`,
      );
      return rows[0].n === 1;
    }, 'the retried message stored');
    await new Promise((r) => setTimeout(r, 500));
    const { rows } = await stack.db.query(
      `SELECT count(*) AS n FROM conversations WHERE message_text = 'retry me'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('both admins list both bots with metrics; the sum matches the stored rows; rollups equal the raw rows', async () => {
    const { rows } = await stack.db.query(`SELECT count(*) AS n FROM conversations`);
    for (const url of [stack.adminUrl, adminB.url]) {
      const dash = await stack.waitFor(async () => {
        const res = await fetch(`${url}/api/monitoring/dashboard`, { headers: { cookie } });
        const body = (await res.json()) as MonitoringDashboard;
        const totalOfBots = body.instances.reduce((n, i) => n + (i.metrics?.messages.total ?? 0), 0);
        return body.instances.length === 2 &&
          totalOfBots === rows[0].n &&
          body.totals.messages.total === rows[0].n
          ? body
          : undefined;
      }, `both instances with all ${rows[0].n} messages on ${url}`);
      expect(dash.instances.map((i) => [i.instance_id, i.status])).toEqual([
        ['bot-1', 'ok'],
        ['bot-2', 'ok'],
      ]);
    }
    // Both admins run the rollup worker; the advisory lock lets one fold at a time, so nothing is counted twice.
    await stack.waitFor(
      async () => (await stack.db.query(`SELECT count(*) AS n FROM rollup_queue`)).rows[0].n === 0,
      'rollups folded',
    );
    const { rows: folded } = await stack.db.query(`SELECT coalesce(sum(messages), 0) AS n FROM rollup_slots`);
    expect(folded[0].n).toBe(rows[0].n);
  });

  it('login rate limits are shared: failures on both admins add up', async () => {
    const attempt = (url: string) =>
      fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'wrong-password' }),
      });
    for (const url of [stack.adminUrl, adminB.url, stack.adminUrl, adminB.url, stack.adminUrl]) {
      expect((await attempt(url)).status).toBe(401);
    }
    const blocked = await attempt(adminB.url);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a user deleted on one admin leaves the live feed of the other too', async () => {
    const psid = '6512000000003000';
    const recentOf = async (url: string) =>
      (
        (await (
          await fetch(`${url}/api/monitoring/dashboard`, { headers: { cookie } })
        ).json()) as MonitoringDashboard
      ).recent_messages;
    // Said to bot-2, which reports to admin B.
    expect((await stack.post(message(psid, 'please forget me'), { bot: 1 })).status).toBe(200);
    await stack.waitFor(
      async () => (await recentOf(adminB.url)).some((m) => m.user_id === psid),
      'the message on admin B',
    );
    const res = await fetch(`${stack.adminUrl}/api/users/${psid}`, { method: 'DELETE', headers: { cookie } });
    expect(res.status).toBe(200);
    await stack.waitFor(
      async () => !(await recentOf(adminB.url)).some((m) => m.user_id === psid),
      "the user's message gone from admin B's recent messages",
    );
    expect((await recentOf(stack.adminUrl)).some((m) => m.user_id === psid)).toBe(false);
  });

  it('a bot that stops is shown as gone on both admins, not as zero traffic', async () => {
    // The total as admin B shows it once it counts every stored message: the test before deleted a
    // user, and an admin refreshes its total on its own schedule.
    const before = await stack.waitFor(async () => {
      const body = (await (
        await fetch(`${adminB.url}/api/monitoring/dashboard`, { headers: { cookie } })
      ).json()) as MonitoringDashboard;
      const { rows } = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations');
      return body.totals.messages.total === rows[0]!.n ? body : undefined;
    }, "admin B's total up to date");
    await stack.bots[0]!.process.stop();
    for (const url of [stack.adminUrl, adminB.url]) {
      const after = await stack.waitFor(async () => {
        const body = (await (
          await fetch(`${url}/api/monitoring/dashboard`, { headers: { cookie } })
        ).json()) as MonitoringDashboard;
        return body.instances.find((i) => i.instance_id === 'bot-1')?.status === 'gone' ? body : undefined;
      }, `bot-1 gone on ${url}`);
      expect(after.instances.find((i) => i.instance_id === 'bot-2')?.status).toBe('ok');
      expect(after.totals.messages.total).toBe(before.totals.messages.total);
    }
  });
});
