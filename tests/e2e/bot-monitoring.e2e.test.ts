import type { BotMetrics, HealthReport } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConversationRow,
  conversations,
  debugFetch,
  median,
  newPsid,
  postText,
  textBody,
  waitForConversations,
} from './helpers/bot';
import { scrape, sum } from './helpers/prometheus';
import { SseReader } from './helpers/sse';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ admin: false });
});
afterAll(async () => {
  await stack?.stop();
});

const STATUSES = ['ok', 'degraded', 'down', 'not_configured'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** `value` has every key of `required` and no others than those and `extra`. */
function expectKeys(value: object, required: string[], extra: string[] = [], where = 'object') {
  const keys = Object.keys(value);
  for (const key of required) expect(keys, `${where} lacks ${key}`).toContain(key);
  for (const key of keys) expect([...required, ...extra], `${where} has unexpected ${key}`).toContain(key);
}

describe('/debug/health-quick', () => {
  it('answers in the documented shape, fast', async () => {
    // The Facebook check runs in the background at start; wait until it has an answer.
    const report = await stack.waitFor(async () => {
      const r = await stack.debug<HealthReport>('/debug/health-quick');
      return r.checks.facebook.checked_at !== null ? r : undefined;
    }, 'the first Facebook check');

    // DESIGN.md's fields, plus the few the bot adds (instance id, pipeline, check latency).
    expectKeys(report, ['status', 'uptime', 'checks'], ['instance_id'], 'report');
    expect(['ok', 'degraded', 'down']).toContain(report.status);
    expect(report.uptime).toBeGreaterThan(0);
    expectKeys(report.checks, ['database', 'facebook', 'gemini', 'memory'], ['pipeline'], 'checks');
    const { database, facebook, gemini, memory } = report.checks;
    expectKeys(database, ['status', 'latency_ms'], ['error'], 'database');
    expect(database.status).toBe('ok');
    expect(database.latency_ms).toBeGreaterThan(0);
    for (const [name, dep] of Object.entries({ facebook, gemini })) {
      expectKeys(dep, ['status', 'checked_at'], ['error', 'latency_ms', 'recent_failures'], name);
      expect(STATUSES).toContain(dep.status);
    }
    expect(facebook).toMatchObject({ status: 'ok', checked_at: expect.stringMatching(ISO) });
    expect(facebook.error).toBeUndefined();
    // No GEMINI_API_KEY in this stack: the rule responder answers.
    expect(gemini).toEqual({ status: 'not_configured', checked_at: null });
    expectKeys(memory, ['status', 'rss_mb', 'heap_used_mb'], [], 'memory');
    expect(STATUSES).toContain(memory.status);
    expect(memory.rss_mb).toBeGreaterThan(memory.heap_used_mb);
    expect(report.status).toBe('ok');

    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const res = await debugFetch(stack, '/debug/health-quick');
      await res.json();
      times.push(performance.now() - started);
    }
    expect(median(times)).toBeLessThan(100);
  });
});

describe('/debug/metrics and /metrics', () => {
  it('report the messages answered, in the plan shape, with fractional response times', async () => {
    const people = [newPsid(), newPsid(), newPsid()];
    const names = ['Wilhelmina', 'Bartholomew', 'Ottoline'];
    for (const [i, psid] of people.entries()) {
      stack.graph!.setProfile(psid, { firstName: names[i]!, lastName: 'Quigley-Fairweather' });
    }
    // Five messages from three people: two of them write twice.
    const senders = [...people, people[0]!, people[1]!];
    const mids: string[] = [];
    for (const [i, psid] of senders.entries()) {
      mids.push(await postText(stack, psid, `question number ${i}: are you open tomorrow?`));
    }
    const rows = await waitForConversations(stack, mids);
    const m = await stack.waitFor(async () => {
      const r = await stack.debug<BotMetrics>('/debug/metrics');
      return r.messages.total === 5 ? r : undefined;
    }, 'five messages counted');

    expect(Object.keys(m)).toEqual(
      expect.arrayContaining(['timestamp', 'uptime', 'messages', 'users', 'system']),
    );
    expect(m.timestamp).toMatch(ISO);
    expect(Math.abs(Date.parse(m.timestamp) - Date.now())).toBeLessThan(60_000);
    expect(m.uptime).toBeGreaterThan(0);
    expect(m.messages).toMatchObject({ total: 5, last_hour: 5, last_24h: 5 });
    expect(m.users).toMatchObject({ total: 3, active_today: 3, active_this_week: 3 });

    const responseTimes = rows.map((r) => r.response_time_ms);
    const mean = responseTimes.reduce((a, b) => a + b, 0) / responseTimes.length;
    expect(m.messages.avg_response_time).toBeCloseTo(mean, 6);
    // Milliseconds as measured, not rounded to whole ms.
    expect(responseTimes.some((t) => !Number.isInteger(t))).toBe(true);
    expect(Number.isInteger(m.messages.avg_response_time)).toBe(false);

    expect(m.system.memory_mb).toBeGreaterThan(10);
    expect(m.system.cpu_percent).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(m.system.database_connections)).toBe(true);
    expect(m.system.database_connections).toBeGreaterThan(0);

    const prom = await scrape(stack);
    expect(prom.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sum(prom.samples, 'botpulse_messages_total')).toBe(5);
    expect(sum(prom.samples, 'botpulse_messages_total', { kind: 'text', status: 'replied' })).toBe(5);
    // Every counter follows the `_total` convention.
    const counters = [...prom.types].filter(([, type]) => type === 'counter').map(([name]) => name);
    expect(counters).toContain('botpulse_messages_total');
    for (const name of counters) expect(name).toMatch(/_total$/);

    // The response-time histogram is in seconds and saw each message once.
    expect(prom.types.get('botpulse_response_time_seconds')).toBe('histogram');
    expect(sum(prom.samples, 'botpulse_response_time_seconds_count')).toBe(5);
    expect(sum(prom.samples, 'botpulse_response_time_seconds_sum')).toBeCloseTo((mean * 5) / 1000, 6);
    expect(sum(prom.samples, 'botpulse_response_time_seconds_bucket', { le: '+Inf' })).toBe(5);

    // Process default metrics.
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(
        prom.samples.some((s) => s.name.endsWith(name)),
        name,
      ).toBe(true);
    }
    // No user ids (or names) in labels or anywhere else.
    for (const psid of people) expect(prom.text).not.toContain(psid);
    for (const name of [...names, 'Quigley']) expect(prom.text).not.toContain(name);
    expect(await conversations(stack)).toHaveLength(5);
  });
});

interface StreamedMessage {
  id: number;
  user_id: string;
  user_name: string | null;
  message_text: string;
  timestamp: string;
  response_time: number;
  reply_text: string | null;
  instance_id: string;
}

describe('/debug/message-stream', () => {
  const streamUrl = () => `${stack.bots[0]!.url}/debug/message-stream`;
  const auth = () => ({ authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` });
  const open = (headers: Record<string, string> = {}) =>
    SseReader.open(streamUrl(), { ...auth(), ...headers });
  const received = (sse: SseReader) => sse.messages<StreamedMessage>();

  /** Posts a message and waits until `sse` delivered its event: everything before it has arrived too. */
  async function sentinel(sse: SseReader): Promise<ConversationRow> {
    const [row] = await waitForConversations(stack, [await postText(stack, newPsid(), 'sentinel')]);
    await stack.waitFor(() => received(sse).some((m) => m.data.id === row!.id), 'the sentinel event');
    return row!;
  }

  function expectEventMatches(
    event: { id: string | undefined; data: StreamedMessage },
    row: ConversationRow,
  ) {
    expect(event.id).toBe(String(row.id));
    expect(event.data).toMatchObject({
      id: row.id,
      user_id: row.facebook_id,
      message_text: row.message_text,
      reply_text: row.reply_text,
      timestamp: row.timestamp.toISOString(),
      response_time: row.response_time_ms,
      instance_id: stack.bots[0]!.instanceId,
    });
  }

  it('sends one message event per processed message, with the conversation id and the documented data', async () => {
    const sse = await open();
    try {
      expect(sse.status).toBe(200);
      // The prelude tells EventSource how soon to reconnect. (Heartbeats come every 15 s and have
      // no setting to shorten them, so their timing is not tested here.)
      await stack.waitFor(() => sse.retryMs !== undefined && sse.retryMs > 0, 'the retry: prelude');

      const amara = newPsid();
      stack.graph!.setProfile(amara, { firstName: 'Amara', lastName: 'Ñúñez' });
      const { body, mid } = textBody(amara, 'Can I bring my dog? 🐕');
      expect((await stack.post(body)).status).toBe(200);
      expect((await stack.post(body)).status).toBe(200); // a redelivery: no second event
      const other = await postText(stack, newPsid(), 'What does a check-up cost?');
      const again = await postText(stack, amara, 'And my cat?');
      const rows = await waitForConversations(stack, [mid, other, again]);
      const last = await sentinel(sse);

      const events = received(sse);
      expect(events.map((e) => e.data.id)).toEqual([...rows.map((r) => r.id), last.id].sort((a, b) => a - b));
      for (const row of rows) expectEventMatches(events.find((e) => e.data.id === row.id)!, row);
      const amaras = events.filter((e) => e.data.user_id === amara);
      expect(amaras.map((e) => e.data.user_name)).toEqual(['Amara Ñúñez', 'Amara Ñúñez']);
      for (const e of events) {
        expect(Object.keys(e.data)).toEqual(
          expect.arrayContaining([
            'user_id',
            'user_name',
            'message_text',
            'timestamp',
            'response_time',
            'reply_text',
            'instance_id',
          ]),
        );
      }
      expect(sse.events.every((e) => e.event === 'message')).toBe(true);
    } finally {
      await sse.close();
    }
  });

  it('replays exactly the missed messages, in order, after a reconnect with Last-Event-ID', async () => {
    const first = await open();
    let lastSeen: number;
    try {
      lastSeen = (await sentinel(first)).id;
    } finally {
      await first.close();
    }

    // Missed while disconnected…
    const people = [newPsid(), newPsid(), newPsid()];
    const missed = await waitForConversations(
      stack,
      await Promise.all(people.map((p, i) => postText(stack, p, `missed ${i}`))),
    );

    // …and arriving while the replay is being sent.
    const [resumed, during] = await Promise.all([
      open({ 'last-event-id': String(lastSeen) }),
      Promise.all(people.map((p, i) => postText(stack, p, `during ${i}`))),
    ]);
    try {
      await waitForConversations(stack, during);
      const end = await sentinel(resumed);

      const expected = (await conversations(stack)).filter((r) => r.id > lastSeen && r.id <= end.id);
      expect(expected.length).toBe(missed.length + during.length + 1);
      const events = received(resumed);
      expect(events.map((e) => e.data.id)).toEqual(expected.map((r) => r.id));
      for (const [i, row] of expected.entries()) expectEventMatches(events[i]!, row);
    } finally {
      await resumed.close();
    }
  });

  it('never repeats or skips a message across many reconnects under traffic', async () => {
    let running = true;
    const traffic = (async () => {
      for (let i = 0; running; i++)
        await Promise.all([0, 1, 2, 3].map((n) => postText(stack, newPsid(), `busy ${i}.${n}`)));
    })();
    const seen: number[] = [];
    try {
      const first = await open();
      let last: number;
      try {
        last = (await sentinel(first)).id;
      } finally {
        await first.close();
      }
      for (let round = 0; round < 25; round++) {
        const sse = await open({ 'last-event-id': String(last) });
        try {
          await stack.waitFor(() => received(sse).length > 0, 'an event');
        } finally {
          await sse.close();
        }
        const ids = received(sse).map((e) => e.data.id);
        seen.push(...ids);
        last = ids.at(-1)!;
      }
    } finally {
      running = false;
      await traffic;
    }
    const stored = (await conversations(stack))
      .map((r) => r.id)
      .filter((id) => id >= seen[0]! && id <= seen.at(-1)!);
    expect(seen).toEqual(stored);
  });

  it('refuses a Last-Event-ID that is not a message id, naming it', async () => {
    const res = await debugFetch(stack, '/debug/message-stream', {
      headers: { 'last-event-id': 'yesterday' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/Last-Event-ID/);
  });
});
