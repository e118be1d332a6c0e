import type {
  AdminToDashboardEvents,
  DashboardToAdminEvents,
  FeedMessage,
  HealthReport,
  MonitoringDashboard,
  SubscribeAck,
} from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { conversations, newPsid, textBody } from './helpers/bot';

// The admin is SIGKILLed while messages keep coming. The bot must go on acknowledging and storing
// them, buffer what it reports, and reconnect by itself when the admin is back; a dashboard that
// reconnects (as the real one does: socket.io's own retries, `subscribe` with the last id it saw
// on every connect) must end up with every message exactly once, in order.

let stack: Stack;
let cookie: string;
let socket: Socket<AdminToDashboardEvents, DashboardToAdminEvents> | undefined;

beforeAll(async () => {
  stack = await startStack();
  cookie = await stack.login();
}, 120_000);
afterAll(async () => {
  socket?.disconnect();
  await stack?.stop();
});

const health = () => stack.debug<HealthReport>('/debug/health-quick');
const link = async () => (await health()).checks.pipeline.admin_link;
const USERS = [newPsid(), newPsid(), newPsid(), newPsid(), newPsid()];

/** Posts `n` messages (round-robin over USERS), each must be acknowledged with 200; returns the mids. */
async function postMany(label: string, n: number): Promise<{ mids: string[]; ackMs: number[] }> {
  const mids: string[] = [];
  const ackMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const { body, mid } = textBody(USERS[i % USERS.length]!, `${label} #${i}: do you have parking?`);
    const res = await stack.post(body);
    expect(res.status, `${label} #${i}`).toBe(200);
    mids.push(mid);
    ackMs.push(res.durationMs);
  }
  return { mids, ackMs };
}

it('keeps the bot answering while the admin is dead, and the dashboard feed whole after it returns', async () => {
  const bot = stack.bots[0]!;
  const { rows: base } = await stack.db.query<{ n: number }>(
    'SELECT coalesce(max(id), 0)::int AS n FROM conversations',
  );
  const startId = base[0]!.n;

  // A dashboard client as the real one behaves.
  const feed: FeedMessage[] = [];
  const acks: SubscribeAck[] = [];
  let lastSeen: number | undefined;
  let connects = 0;
  let disconnects = 0;
  socket = io(`${stack.adminUrl}/dashboard`, {
    transports: ['websocket'],
    extraHeaders: { cookie, origin: stack.adminUrl },
    reconnectionDelay: 200,
    reconnectionDelayMax: 1_000,
    timeout: 5_000,
  });
  const s = socket;
  s.on('message:new', (e) => {
    feed.push(e.data);
    if (lastSeen === undefined || e.data.id > lastSeen) lastSeen = e.data.id;
  });
  s.on('disconnect', () => disconnects++);
  s.on('connect', () => {
    connects++;
    s.emit(
      'subscribe',
      { type: 'subscribe', channels: ['messages'], ...(lastSeen === undefined ? {} : { since: lastSeen }) },
      (ack) => acks.push(ack),
    );
  });
  await stack.waitFor(() => acks.length === 1, 'the first subscribe acknowledged');
  expect(acks[0]).toMatchObject({ ok: true, replayed: 0, last_id: startId });

  const before = await postMany('before', 10);
  await stack.waitFor(() => feed.length === 10, 'the first 10 messages live', 15_000);
  const idBeforeKill = lastSeen!;

  // The admin dies at once: no goodbye to the bot or the dashboard.
  const killed = await stack.admin!.kill();
  expect(killed.signal).toBe('SIGKILL');
  const killedAt = performance.now();
  await stack.waitFor(async () => !(await link()).connected, 'the bot to see its admin link down', 10_000);
  await stack.waitFor(() => disconnects === 1, 'the dashboard to see the disconnect');

  // Webhooks do not depend on the admin: still acknowledged at once, still stored and answered.
  const during = await postMany('during', 20);
  const duringRows = await stack.waitFor(
    async () => {
      const r = await conversations(stack, during.mids);
      return r.length === 20 ? r : undefined;
    },
    'the messages of the outage stored',
    30_000,
  );
  for (const r of duringRows) expect(r.status).toBe('replied');
  const down = await health();
  expect(down.checks.pipeline.admin_link.connected).toBe(false);
  // At least each answered message's message:processed waits for the admin.
  expect(down.checks.pipeline.admin_link.buffered).toBeGreaterThanOrEqual(20);
  expect(down.checks.pipeline.admin_link.dropped).toBe(0);
  const reconnectsBefore = down.checks.pipeline.admin_link.reconnects;
  expect(feed).toHaveLength(10);

  // Back on the same port: bot and dashboard find it by themselves. Messages keep coming while
  // the admin starts and both reconnect: the replay's hand-over to the live feed must hold.
  let restarting = true;
  const whileRestarting: string[] = [];
  const traffic = (async () => {
    for (let i = 0; restarting; i++) {
      const { body, mid } = textBody(USERS[i % USERS.length]!, `restart #${i}: are you open?`);
      const res = await stack.post(body);
      expect(res.status).toBe(200);
      whileRestarting.push(mid);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await stack.startAdmin(stack.adminPort);
  const relinked = await stack.waitFor(
    async () => {
      const l = await link();
      return l.connected && l.buffered === 0 ? l : undefined;
    },
    'the bot to reconnect and flush its buffer',
    20_000,
  );
  const recoveredMs = performance.now() - killedAt;
  expect(relinked.reconnects).toBe(reconnectsBefore + 1);
  expect(relinked.dropped).toBe(0);
  await stack.waitFor(() => acks.length === 2, 'the dashboard to reconnect and subscribe again', 20_000);
  await new Promise((r) => setTimeout(r, 200));
  restarting = false;
  await traffic;
  expect(connects).toBe(2);
  const resubscribed = acks[1]!;
  if (!resubscribed.ok) throw new Error(`subscribe refused: ${resubscribed.error}`);
  expect(resubscribed.replayed).toBeGreaterThanOrEqual(20);
  await stack.waitFor(() => feed.length >= 30, 'the missed messages replayed', 10_000);
  // The replay starts with exactly the outage's messages, right after what the client had seen.
  expect(feed.slice(10, 30).map((m) => m.id)).toEqual(duringRows.map((r) => r.id));
  expect(feed[10]!.id).toBeGreaterThan(idBeforeKill);

  // ...then live ones.
  const after = await postMany('after', 5);
  const total = 35 + whileRestarting.length;
  await stack.waitFor(() => feed.length >= total, 'the live messages after the restart', 15_000);
  // One more, last: a duplicate of anything would show up before it.
  const marker = await postMany('marker', 1);
  await stack.waitFor(() => feed.length >= total + 1, 'the marker', 15_000);

  // The whole feed is the database: no gap, no duplicate, in id order.
  const rows = await conversations(stack);
  const expected = rows.filter((r) => r.id > startId);
  expect(expected.map((r) => r.mid).sort()).toEqual(
    [...before.mids, ...during.mids, ...whileRestarting, ...after.mids, ...marker.mids].sort(),
  );
  expect(feed.map((m) => m.id)).toEqual(expected.map((r) => r.id));
  expect(feed.map((m) => m.message_text)).toEqual(expected.map((r) => r.message_text));
  expect(new Set(feed.map((m) => m.id)).size).toBe(feed.length);

  // The admin got the buffered reports: it shows the bot, connected, with every message counted.
  const dash = await stack.waitFor(
    async () => {
      const d = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
      const inst = d.body.instances?.find((i) => i.instance_id === bot.instanceId);
      return d.status === 200 &&
        inst?.connected &&
        inst.metrics?.messages.total === total + 1 &&
        d.body.totals.messages.total === total + 1
        ? d.body
        : undefined;
    },
    'the admin to show the bot with every message',
    15_000,
  );
  expect(dash.instances.filter((i) => i.instance_id === bot.instanceId)).toHaveLength(1);

  const maxAck = Math.max(...during.ackMs);
  console.log(
    `[admin kill] ${total + 1} messages sent, ${total + 1} acknowledged, ${expected.length} stored (20 while the ` +
      `admin was dead, slowest ack ${maxAck.toFixed(0)} ms; ${whileRestarting.length} while it restarted); bot ` +
      `buffered ${down.checks.pipeline.admin_link.buffered} events, relinked and flushed ` +
      `${(recoveredMs / 1000).toFixed(1)} s after the kill; dashboard replayed ${resubscribed.replayed} missed ` +
      `messages, feed of ${feed.length} = database rows`,
  );
}, 90_000);
