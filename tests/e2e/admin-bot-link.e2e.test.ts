import { randomUUID } from 'node:crypto';
import { getDatabaseId } from '@botpulse/db';
import type {
  BotMetrics,
  FeedMessage,
  HealthReport,
  InstanceState,
  MonitoringDashboard,
} from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotSocket, botSocket, connect, dashboardSocket, record, subscribe } from './admin-support';
import { postText } from './helpers/bot';

// The bot → admin link with the real socket.io-client: the handshake secret, what a bot reports
// showing up on the Monitoring API, and an instance that falls silent turning `gone`.

/** Above the real bot's 5 s metrics period (so it never looks silent), short enough to wait for. */
const GONE_AFTER_MS = 8_000;

let stack: Stack;
let cookie: string;
const sockets: Array<{ disconnect(): unknown }> = [];

beforeAll(async () => {
  stack = await startStack({ env: { INSTANCE_GONE_AFTER_MS: String(GONE_AFTER_MS) } });
  cookie = await stack.login();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await stack?.stop();
});

function fakeBot(auth: Record<string, unknown>): BotSocket {
  const s = botSocket(stack, auth);
  sockets.push(s);
  return s;
}

async function dashboard(): Promise<MonitoringDashboard> {
  const res = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
  expect(res.status).toBe(200);
  return res.body;
}

async function instance(id: string): Promise<InstanceState | undefined> {
  return (await dashboard()).instances.find((i) => i.instance_id === id);
}

function metricsOf(instanceId: string, lastHour: number): BotMetrics {
  const stage = { avg_ms: 1.5, p95_ms: 3.25 };
  return {
    timestamp: new Date().toISOString(),
    uptime: 12.5,
    instance_id: instanceId,
    messages: {
      total: 1234,
      last_hour: lastHour,
      last_24h: 321,
      avg_response_time: 456.789,
      p50_response_time: 400.5,
      p95_response_time: 99_999.5,
      p99_response_time: 1500.125,
      failed_total: 3,
      failed_last_hour: 1,
    },
    users: { total: 77, active_today: 11, active_this_week: 22, active_last_30_min: 4 },
    stages: { queue: stage, profile: stage, generate: stage, send: stage, store: stage, other: stage },
    system: {
      memory_mb: 88.5,
      cpu_percent: 3.5,
      database_connections: 2,
      heap_used_mb: 40.25,
      event_loop_lag_p99_ms: 12.5,
      monitoring_overhead_us_per_message: 8.5,
      collector_memory_kb: 64,
    },
    gen_ai: {
      requests: 5,
      input_tokens: 500,
      cached_tokens: 100,
      output_tokens: 50,
      reasoning_tokens: 20,
      cost_usd: 0.000_321,
      blocked: 1,
      truncated: 1,
      finish_reasons: { STOP: 3, MAX_TOKENS: 1 },
      unpriced_requests: 0,
      unpriced_models: [],
    },
    hourly: [
      {
        hour: '2026-11-25T12:00:00.000Z',
        messages: lastHour,
        users: 3,
        avg_response_time: 456.789,
        failed: 0,
      },
    ],
  };
}

function degradedHealth(instanceId: string): HealthReport {
  const dep = { status: 'ok' as const, checked_at: new Date().toISOString(), recent_failures: 0 };
  return {
    status: 'degraded',
    uptime: 12.5,
    instance_id: instanceId,
    checks: {
      database: { status: 'ok', latency_ms: 1.25 },
      facebook: dep,
      gemini: { status: 'not_configured', checked_at: null },
      memory: { status: 'ok', rss_mb: 88.5, heap_used_mb: 40.25 },
      pipeline: {
        status: 'degraded',
        inbox_depth: 42,
        oldest_pending_s: 31,
        event_loop_lag_p99_ms: 12.5,
        admin_link: { connected: true, reconnects: 0, buffered: 0, dropped: 0 },
        sse_clients: 0,
        reasons: ['inbox has events older than 30 s'],
      },
    },
  };
}

describe('the /bots handshake', () => {
  it.each([
    ['a wrong secret', () => ({ service: 'bot', secret: 'x'.repeat(32), instanceId: 'intruder' })],
    ['no secret', () => ({ service: 'bot', instanceId: 'intruder' })],
    [
      'another service',
      () => ({ service: 'dashboard', secret: stack.secrets.INTERNAL_SECRET, instanceId: 'intruder' }),
    ],
    [
      'a malformed instance id',
      () => ({ service: 'bot', secret: stack.secrets.INTERNAL_SECRET, instanceId: 'bad id!' }),
    ],
  ])('refuses %s with connect_error "unauthorized"', async (_what, auth) => {
    const socket = fakeBot(auth());
    expect(await connect(socket)).toEqual({ ok: false, message: 'unauthorized' });
    expect(socket.connected).toBe(false);
    expect((await dashboard()).instances.map((i) => i.instance_id)).not.toContain('intruder');
  });

  it('accepts the right secret', async () => {
    const socket = fakeBot({ service: 'bot', secret: stack.secrets.INTERNAL_SECRET, instanceId: 'probe-1' });
    expect(await connect(socket)).toEqual({ ok: true });
    // A connection alone registers the instance (no metrics yet).
    const probe = await stack.waitFor(() => instance('probe-1'), 'probe-1 listed');
    expect(probe).toMatchObject({ connected: true, metrics: null, health: null });
    socket.disconnect();
  });
});

describe('a bot reporting over the link', () => {
  let fake: BotSocket;
  const metrics = metricsOf('fake-1', 7);
  const health = degradedHealth('fake-1');

  it('metrics:update and health:changed show in GET /api/monitoring/dashboard', async () => {
    fake = fakeBot({ service: 'bot', secret: stack.secrets.INTERNAL_SECRET, instanceId: 'fake-1' });
    expect(await connect(fake)).toEqual({ ok: true });
    fake.emit('metrics:update', metrics);
    fake.emit('health:changed', health);
    const shown = await stack.waitFor(async () => {
      const i = await instance('fake-1');
      return i?.metrics && i.health ? i : undefined;
    }, 'fake-1 with metrics and health');
    expect(shown).toMatchObject({ instance_id: 'fake-1', status: 'degraded', connected: true });
    expect(shown.metrics).toEqual(metrics);
    expect(shown.health).toEqual(health);

    const dash = await dashboard();
    // The bot service is as bad as its worst live instance, with the instance's reason named.
    expect(dash.health.services.bot.status).toBe('degraded');
    expect(dash.health.services.bot.reasons).toContain('fake-1: inbox has events older than 30 s');
    // What only the collectors know comes from the live instances: users active in the last
    // 30 minutes add up, the p95 is the worst instance's.
    const real = dash.instances.find((i) => i.instance_id === 'bot-1');
    expect(dash.totals.users.active_last_30_min).toBe(4 + (real?.metrics?.users.active_last_30_min ?? 0));
    expect(dash.totals.messages.p95_response_time).toBe(99_999.5);
  });

  it('ignores malformed reports without dropping the link', async () => {
    const raw = fake as unknown as Socket;
    raw.emit('metrics:update', 'not an object');
    raw.emit('metrics:update', { messages: 'nope' });
    raw.emit('health:changed', [1, 2, 3]);
    // Events on one socket arrive in order: once this one shows, the bad ones were handled.
    const next = metricsOf('fake-1', 9);
    fake.emit('metrics:update', next);
    const shown = await stack.waitFor(async () => {
      const i = await instance('fake-1');
      return i?.metrics?.messages.last_hour === 9 ? i : undefined;
    }, 'the valid update after the malformed ones');
    expect(shown.metrics).toEqual(next);
    expect(shown.health).toEqual(health);
    expect(fake.connected).toBe(true);
  });

  it('the real bot process is an instance with live metrics', async () => {
    const before = await stack.waitFor(
      async () => {
        const i = await instance('bot-1');
        return i?.metrics && i.health ? i : undefined;
      },
      'bot-1 with metrics and health',
      20_000,
    );
    expect(before).toMatchObject({ instance_id: 'bot-1', connected: true, status: 'ok' });
    expect(before.metrics!.instance_id).toBe('bot-1');
    const total = before.metrics!.messages.total;
    await postText(stack, '6100000000000001', 'hello from the bot-link test');
    const after = await stack.waitFor(async () => {
      const i = await instance('bot-1');
      return i && i.metrics!.messages.total === total + 1 ? i : undefined;
    }, 'bot-1 counting the new message');
    expect(after.metrics!.messages.last_hour).toBeGreaterThanOrEqual(1);
    expect(after.metrics!.users.total).toBeGreaterThanOrEqual(1);
    // The bot's own figure and the admin's copy of it agree.
    const own = await stack.debug<BotMetrics>('/debug/metrics');
    expect(own.messages.total).toBe(after.metrics!.messages.total);
  });

  it(`a disconnected instance turns gone after ${GONE_AFTER_MS} ms of silence and leaves the totals`, async () => {
    const t0 = Date.now();
    fake.disconnect();
    const offline = await stack.waitFor(async () => {
      const i = await instance('fake-1');
      return i && !i.connected ? i : undefined;
    }, 'fake-1 disconnected');
    // Silent, but not for long enough: still shown with its last state.
    expect(offline.status).toBe('degraded');
    expect(Date.now() - t0).toBeLessThan(GONE_AFTER_MS);

    const gone = await stack.waitFor(
      async () => {
        const i = await instance('fake-1');
        return i?.status === 'gone' ? i : undefined;
      },
      'fake-1 gone',
      GONE_AFTER_MS + 15_000,
      200,
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(GONE_AFTER_MS);
    expect(gone.connected).toBe(false);

    const dash = await dashboard();
    const real = dash.instances.find((i) => i.instance_id === 'bot-1')!;
    expect(real.status).not.toBe('gone');
    // A gone instance's figures no longer count, nor does its last health colour the service.
    expect(dash.totals.users.active_last_30_min).toBe(real.metrics!.users.active_last_30_min);
    expect(dash.totals.messages.p95_response_time).toBe(real.metrics!.messages.p95_response_time);
    expect(dash.health.services.bot.status).toBe('ok');
    expect(dash.health.services.bot.reasons?.some((r) => r.startsWith('fake-1 is gone'))).toBe(true);
  });
});

describe('the database a bot says it writes to', () => {
  // The live feed takes a bot's reported messages as its rows only from a bot that showed it writes
  // to the admin's database (`databaseId` in the handshake, migration 016's database_identity).
  // Another database's ids can equal this one's next ids: taken as they came, they would hide this
  // database's own messages with those ids.
  let seen: ReturnType<typeof record<'message:new'>>;

  const nextId = async () => {
    const { rows } = await stack.db.query<{ v: string }>(
      `SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS v FROM conversations_id_seq`,
    );
    return Number(rows[0]!.v) + 1;
  };
  const report = (instanceId: string, id: number, text: string): FeedMessage => ({
    id,
    user_id: '6100000000000099',
    user_name: null,
    message_text: text,
    reply_text: null,
    timestamp: new Date().toISOString(),
    response_time: 5,
    instance_id: instanceId,
    status: 'replied',
    kind: 'text',
  });
  const texts = () => seen.map((s) => s.envelope.data.message_text);
  /** the admin's warning that this bot writes to another database was logged */
  const warnedAbout = (instanceId: string) =>
    stack.admin!.lines.some(
      (l) => l.includes('"bot_database_id"') && l.includes(`"instance_id":"${instanceId}"`),
    );

  beforeAll(async () => {
    const dash = dashboardSocket(stack, { cookie, origin: stack.adminUrl });
    sockets.push(dash);
    expect(await connect(dash)).toEqual({ ok: true });
    seen = record(dash, 'message:new');
    expect((await subscribe(dash, { channels: ['messages'] })).ok).toBe(true);
  });

  it.each([
    ['another database', 'elsewhere-1', () => randomUUID(), true],
    ['no database (an older bot)', 'older-1', () => undefined, false],
    // not a string (an object String() cannot convert): refused trust, and the admin stays up
    ['a database id that is not a string', 'odd-1', () => ({ toString: 1 }) as unknown as string, true],
  ])(
    'a report from a bot on %s is read back: this database’s message with the same id shows',
    async (_what, instanceId, databaseId, warned) => {
      const bot = fakeBot({
        service: 'bot',
        secret: stack.secrets.INTERNAL_SECRET,
        instanceId,
        databaseId: databaseId(),
      });
      expect(await connect(bot)).toEqual({ ok: true });
      const id = await nextId();
      bot.emit('messages:processed', {
        ids: [id],
        messages: [report(instanceId, id, `reported by ${instanceId}`)],
      });
      const text = `stored here after ${instanceId}`;
      await postText(stack, '6100000000000002', text);
      const shown = await stack.waitFor(
        () => seen.find((s) => s.envelope.data.message_text === text),
        'the stored message live',
      );
      // The stored message got the very id the other bot reported: the report did not hide it.
      expect(shown.envelope.data.id).toBe(id);
      expect(texts()).not.toContain(`reported by ${instanceId}`);
      expect(warnedAbout(instanceId)).toBe(warned);
      bot.disconnect();
    },
  );

  it('the real bot names the database the admin reads', () => {
    const connected = stack.admin!.lines.filter(
      (l) => l.includes('"msg":"bot connected"') && l.includes('"instance_id":"bot-1"'),
    );
    expect(connected.length).toBeGreaterThan(0);
    for (const l of connected) expect(l).toContain('"same_database":true');
    expect(warnedAbout('bot-1')).toBe(false);
  });

  it('a report from a bot on this database is taken as it came, without reading the row', async () => {
    const bot = fakeBot({
      service: 'bot',
      secret: stack.secrets.INTERNAL_SECRET,
      instanceId: 'same-db-1',
      databaseId: await getDatabaseId(stack.db),
    });
    expect(await connect(bot)).toEqual({ ok: true });
    // The next id, taken from the sequence so that no stored message ever gets it: no such row
    // exists, so only a report that is trusted can put this text on the feed.
    const { rows } = await stack.db.query<{ id: string }>(
      `SELECT nextval('conversations_id_seq')::text AS id`,
    );
    const id = Number(rows[0]!.id);
    const frame = { ids: [id], messages: [report('same-db-1', id, 'as the bot reported it')] };
    // A report that lands while the feed reads the table (its slow poll, every second) is only a
    // signal to read: sent again until taken.
    const shown = await stack.waitFor(
      () => {
        const s = seen.find((s) => s.envelope.data.message_text === 'as the bot reported it');
        if (!s) bot.emit('messages:processed', frame);
        return s;
      },
      'the reported message live',
      15_000,
      250,
    );
    expect(shown.envelope.data.id).toBe(id);
    expect(warnedAbout('same-db-1')).toBe(false);
    bot.disconnect();
  });
});
