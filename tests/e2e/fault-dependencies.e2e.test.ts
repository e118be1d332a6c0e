import type { BotMetrics, HealthReport, MonitoringDashboard } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  type DashboardSocket,
  dashboardSocket,
  isEnvelope,
  record,
  subscribe,
} from './admin-support';
import { newPsid, textBody, waitForConversations } from './helpers/bot';
import { scrape, sum } from './helpers/prometheus';

// Gemini and the Send API failing, as the operator sees it on the admin: `error:occurred` on a
// dashboard socket subscribed to `errors`, the dependency red in /api/monitoring/dashboard (and
// green again once it recovers), failures counted; the webhook's acknowledgement never waits for
// them. bot-gemini.e2e.test.ts covers the bot's side (retries, fallback text, 429/500/613).

let stack: Stack;
let cookie: string;
let socket: DashboardSocket;
let errors: ReturnType<typeof record<'error:occurred'>>;
let healthEvents: ReturnType<typeof record<'health:changed'>>;

beforeAll(async () => {
  stack = await startStack({ gemini: true });
  cookie = await stack.login();
  socket = dashboardSocket(stack, { cookie, origin: stack.adminUrl });
  expect(await connect(socket)).toEqual({ ok: true });
  errors = record(socket, 'error:occurred');
  healthEvents = record(socket, 'health:changed');
  expect(await subscribe(socket, { channels: ['errors', 'health'] })).toMatchObject({ ok: true });
  // Both dependencies start healthy, on the bot and on the admin.
  await stack.waitFor(
    async () => {
      const d = await dashboard();
      return d.health.services.gemini.status === 'ok' && d.health.services.facebook.status === 'ok';
    },
    'Facebook and Gemini ok on the admin',
    20_000,
  );
}, 120_000);
afterAll(async () => {
  socket?.disconnect();
  await stack?.stop();
});

async function dashboard(): Promise<MonitoringDashboard> {
  const res = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
  if (res.status !== 200) throw new Error(`/api/monitoring/dashboard: HTTP ${res.status}`);
  return res.body;
}
const metrics = () => stack.debug<BotMetrics>('/debug/metrics');
const health = () => stack.debug<HealthReport>('/debug/health-quick');
const sendCalls = (psid: string) =>
  stack.graph!.requests.filter(
    (r) =>
      r.path.endsWith('/me/messages') && (r.body as { recipient?: { id?: string } }).recipient?.id === psid,
  ).length;

/** Posts one message from a new user; it must be acknowledged (200). */
async function postNew(text: string): Promise<{ psid: string; mid: string; ackMs: number }> {
  const psid = newPsid();
  const { body, mid } = textBody(psid, text);
  const res = await stack.post(body);
  expect(res.status).toBe(200);
  return { psid, mid, ackMs: res.durationMs };
}

describe('Gemini failing', () => {
  it('reaches the admin: error:occurred to `errors` subscribers, Gemini red, then green again', async () => {
    const before = await metrics();
    stack.gemini!.setFault({ kind: 'server_error', paths: 'generate' });
    let failing: { psid: string; mid: string; ackMs: number };
    try {
      failing = await postNew('Is the clinic open on holidays?');
      expect(failing.ackMs).toBeLessThan(2_000);
      const [row] = await waitForConversations(stack, [failing.mid]);
      expect(row).toMatchObject({ status: 'failed' });
      expect(row!.error).toMatch(/^generate: Gemini 500/);
    } finally {
      stack.gemini!.setFault(null);
    }

    // One event for the failed reply (its three attempts are one failure), with no text or name.
    const event = await stack.waitFor(
      () => errors.find((e) => e.envelope.data.mid === failing.mid),
      'error:occurred for the failed reply',
      10_000,
    );
    expect(isEnvelope(event.envelope, 'error:occurred')).toBe(true);
    expect(event.envelope.data).toMatchObject({
      instance_id: 'bot-1',
      stage: 'generate',
      dependency: 'gemini',
      code: 500,
      mid: failing.mid,
    });
    expect(event.envelope.data.message).toMatch(/^Gemini 500/);
    expect(Number.isNaN(Date.parse(event.envelope.data.at))).toBe(false);
    expect(JSON.stringify(event.envelope)).not.toContain('holidays');
    expect(errors.filter((e) => e.envelope.data.mid === failing.mid)).toHaveLength(1);

    // The admin shows Gemini red with the reason, on the API and to `health` subscribers.
    const red = await stack.waitFor(
      async () => {
        const d = await dashboard();
        return d.health.services.gemini.status !== 'ok' ? d : undefined;
      },
      'Gemini not ok on the admin',
      15_000,
    );
    expect(['degraded', 'down']).toContain(red.health.services.gemini.status);
    expect(red.health.services.gemini.error).toMatch(/Gemini 500/);
    expect(red.health.services.gemini.reasons).toEqual(['3 failed calls in the last 5 minutes']);
    expect(red.health.services.facebook.status).toBe('ok');
    expect(red.health.overall).not.toBe('ok');
    await stack.waitFor(
      () => healthEvents.some((e) => e.envelope.data.services.gemini.status !== 'ok'),
      'health:changed with Gemini not ok',
      10_000,
    );
    const m = await metrics();
    expect(m.messages.failed_total).toBe(before.messages.failed_total + 1);

    // Gemini answers again: once successes outnumber the recent failures, it is green again.
    const fine = [];
    for (let i = 0; i < 4; i++) fine.push(await postNew(`Do you whiten teeth? (${i})`));
    const rows = await waitForConversations(
      stack,
      fine.map((f) => f.mid),
    );
    for (const r of rows) expect(r.status).toBe('replied');
    await stack.waitFor(
      async () => (await dashboard()).health.services.gemini.status === 'ok',
      'Gemini ok again on the admin',
      15_000,
    );
    await stack.waitFor(
      () => healthEvents.at(-1)?.envelope.data.services.gemini.status === 'ok',
      'health:changed with Gemini ok again',
      10_000,
    );
  }, 60_000);
});

describe('Send API timing out', () => {
  it('keeps acknowledging at once, shows the replies in flight, then counts each as failed after bounded retries', async () => {
    const before = await metrics();
    const failures0 = sum((await scrape(stack)).samples, 'botpulse_reply_failures_total', {
      stage: 'send',
      dependency: 'facebook',
    });
    const errors0 = errors.length;
    stack.graph!.setFault({ kind: 'timeout', paths: 'send' });
    const hanging: Array<{ psid: string; mid: string; ackMs: number }> = [];
    const started = performance.now();
    try {
      for (let i = 0; i < 3; i++) hanging.push(await postNew(`Can I pay by card? (${i})`));
      await stack.waitFor(
        () => hanging.every((h) => sendCalls(h.psid) === 1),
        'three replies hanging in the Send API',
        10_000,
      );
      // More webhooks while those hang: still acknowledged at once.
      for (let i = 0; i < 3; i++) hanging.push(await postNew(`Where do I park? (${i})`));
      for (const h of hanging) expect(h.ackMs).toBeLessThan(2_000);
      const inFlight = await stack.waitFor(
        async () => {
          const n = sum((await scrape(stack)).samples, 'botpulse_pipeline_in_flight');
          return n >= hanging.length ? n : undefined;
        },
        'the replies in flight on /metrics',
        10_000,
      );
      expect(inFlight).toBe(hanging.length);
      // ...and waiting in the inbox, as /debug/health-quick says (refreshed every 2 s).
      await stack.waitFor(
        async () => (await health()).checks.pipeline.inbox_depth >= hanging.length,
        'the unanswered messages counted in the inbox depth',
        10_000,
      );

      // The bot gives each call 10 s and tries 3 times: then the reply is failed, and counted.
      const rows = await waitForConversations(
        stack,
        hanging.map((h) => h.mid),
        45_000,
      );
      for (const row of rows) {
        expect(row.status).toBe('failed');
        expect(row.error).toBe('send: Graph API timed out after 10000 ms');
      }
      for (const h of hanging) expect(sendCalls(h.psid)).toBe(3);
    } finally {
      stack.graph!.setFault(null);
    }
    const failedAfterMs = performance.now() - started;

    const after = await stack.waitFor(async () => {
      const m = await metrics();
      return m.messages.total === before.messages.total + hanging.length ? m : undefined;
    }, 'the failed replies counted');
    expect(after.messages.failed_total).toBe(before.messages.failed_total + hanging.length);
    expect(
      sum((await scrape(stack)).samples, 'botpulse_reply_failures_total', {
        stage: 'send',
        dependency: 'facebook',
      }) - failures0,
    ).toBe(hanging.length);

    // On the admin: one error:occurred per failed reply, and Facebook red with the reason.
    await stack.waitFor(
      () => errors.length >= errors0 + hanging.length,
      'error:occurred for each reply',
      10_000,
    );
    const sendErrors = errors.slice(errors0).map((e) => e.envelope.data);
    expect(sendErrors.map((e) => e.mid).sort()).toEqual(hanging.map((h) => h.mid).sort());
    for (const e of sendErrors) {
      expect(e).toMatchObject({
        instance_id: 'bot-1',
        stage: 'send',
        dependency: 'facebook',
        code: 'timeout',
        message: 'Graph API timed out after 10000 ms',
      });
    }
    const red = await stack.waitFor(
      async () => {
        const d = await dashboard();
        return d.health.services.facebook.status === 'down' ? d : undefined;
      },
      'Facebook down on the admin',
      15_000,
    );
    expect(red.health.services.facebook.error).toBe('Graph API timed out after 10000 ms');
    expect(red.health.overall).toBe('down');
    await stack.waitFor(
      () => healthEvents.some((e) => e.envelope.data.services.facebook.status === 'down'),
      'health:changed with Facebook down',
      10_000,
    );
    console.log(
      `[dependencies] Send API hanging: ${hanging.length} messages sent, ${hanging.length} acknowledged ` +
        `(slowest ack ${Math.max(...hanging.map((h) => h.ackMs)).toFixed(0)} ms), ${hanging.length} stored as failed ` +
        `after 3 attempts each, ${(failedAfterMs / 1000).toFixed(1)} s after the first`,
    );
  }, 90_000);
});
