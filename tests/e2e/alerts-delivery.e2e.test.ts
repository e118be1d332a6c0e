import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertReceiver, startAlertReceiver } from '../../tools/src/fakes/alert-receivers';
import type { FakeReply } from '../../tools/src/fakes/http';
import { alertsApi, onlyRule } from './helpers/alerts';
import { newPsid, postText } from './helpers/bot';

// Delivery: flaps send nothing, silences mute but keep the history, receivers that fail (503),
// throttle (429 Retry-After) or are down across an admin restart still get exactly one message.
// NoMessages with a 2 s window is the trigger: quiet fires it, one message resolves it.

let stack: Stack;
let receiver: AlertReceiver;
let receiverPort = 0;
let api: ReturnType<typeof alertsApi>;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  receiverPort = receiver.port;
  stack = await startStack({
    env: {
      ALERT_EVAL_SECONDS: '0.5',
      ALERT_RETRY_BASE_MS: '200',
      ALERT_RETRY_MAX_MS: '1000',
      ALERT_SLACK_WEBHOOK_URL: `http://127.0.0.1:${receiverPort}/slack`,
    },
  });
  api = alertsApi(stack, await stack.login());
  await onlyRule(api, 'NoMessages', { for_seconds: 0, window_seconds: 2 });
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

const texts = () => receiver.received('/slack').map((r) => (r.body as { text: string }).text);
const isFiring = (body: unknown) => (body as { text?: string }).text?.includes('FIRING NoMessages') === true;
const firingSent = () => texts().filter((t) => t.includes('FIRING NoMessages'));
/** the answers the receiver gave to firing notifications, from its `from`-th answer on */
const firingAnswers = (from: number) =>
  receiver
    .answered('/slack')
    .slice(from)
    .filter((a) => isFiring(a.body));

/** Waits until NoMessages is firing and nothing is on its way to a receiver. */
async function settledFiring() {
  await api.until('NoMessages', 'firing', 10_000);
  await stack.waitFor(
    async () => (await api.overview()).channels.find((c) => c.type === 'slack')!.pending === 0 || undefined,
    'the firing delivered',
  );
}

/**
 * Waits until NoMessages is firing with its notification delivered (nothing in flight), then aims
 * `reply` at the next firing notification; returns where the receiver's answers stood. The next
 * firing then comes only after a `speak()`, so no notification already on its way can take the
 * reply, however slowly this machine runs.
 */
async function armNextFiring(reply: FakeReply): Promise<number> {
  await settledFiring();
  const from = receiver.answered('/slack').length;
  receiver.queueWhen('/slack', isFiring, reply);
  return from;
}

/** Posts a message so NoMessages resolves; waits until it is resolved (or normal). */
async function speak() {
  await postText(stack, newPsid(), 'hello');
  await stack.waitFor(
    async () => ['resolved', 'normal'].includes((await api.rule('NoMessages')).state) || undefined,
    'NoMessages resolved',
  );
}

describe('alert delivery', () => {
  it('a flap shorter than for_seconds sends nothing', async () => {
    await api.setRule('NoMessages', { for_seconds: 30 });
    await speak();
    const before = receiver.received('/slack').length;
    const seen = (await api.history('NoMessages')).length;
    await api.until('NoMessages', 'pending', 10_000);
    await postText(stack, newPsid(), 'back before for_seconds');
    await api.until('NoMessages', 'normal', 10_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receiver.received('/slack')).toHaveLength(before);
    // pending, then normal again; the 2 s window may open a new pending since, but never a firing
    const states = (await api.history('NoMessages')).slice(seen).map((h) => h.state);
    expect(states.slice(0, 2)).toEqual(['pending', 'normal']);
    expect(states).not.toContain('firing');
    await api.setRule('NoMessages', { for_seconds: 0 });
  });

  it('a silence mutes notifications but the state is still tracked', async () => {
    const until = new Date(Date.now() + 60_000).toISOString();
    const created = await api.call<{ id: number }>('/api/alerts/silences', {
      method: 'POST',
      body: JSON.stringify({ alertname: 'NoMessages', until }),
    });
    expect(created.status).toBe(201);
    expect((await api.rule('NoMessages')).silenced_until).toBe(until);
    await speak();
    const before = receiver.received('/slack').length;
    await api.until('NoMessages', 'firing', 10_000);
    await speak();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receiver.received('/slack')).toHaveLength(before);
    const history = await api.history('NoMessages');
    expect(history.slice(-3).map((h) => [h.state, h.silenced])).toEqual([
      ['pending', true],
      ['firing', true],
      ['resolved', true],
    ]);
    expect((await api.call(`/api/alerts/silences/${created.body.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
  });

  it('a receiver answering 503 then 200 gets exactly one delivery', async () => {
    const from = await armNextFiring({ status: 503, body: { error: 'unavailable' } });
    await speak();
    await stack.waitFor(() => firingAnswers(from).at(-1)?.status === 200 || undefined, 'the retry', 15_000);
    await new Promise((r) => setTimeout(r, 1_500));
    // Two requests for the one firing: the refused one and the delivered one; nothing after the 200.
    const answers = firingAnswers(from);
    expect(answers.map((a) => a.status)).toEqual([503, 200]);
    expect(answers[1]!.body).toEqual(answers[0]!.body);
    const slack = (await api.overview()).channels.find((c) => c.type === 'slack')!;
    expect(slack.last_error).toBe('HTTP 503 Service Unavailable');
    expect(slack.failures).toBeGreaterThanOrEqual(1);
    expect(slack.pending).toBe(0);
  });

  it('a 429 with Retry-After is honoured', async () => {
    const from = await armNextFiring({
      status: 429,
      body: { error: 'slow down' },
      headers: { 'retry-after': '2' },
    });
    await speak();
    await stack.waitFor(() => firingAnswers(from).at(-1)?.status === 200 || undefined, 'the retry', 20_000);
    const [refused, delivered] = firingAnswers(from);
    expect([refused!.status, delivered!.status]).toEqual([429, 200]);
    // The backoff alone would have retried after 200 ms.
    expect(delivered!.at - refused!.at).toBeGreaterThanOrEqual(2_000);
  });

  it('a receiver down during the event and back later still gets it, across an admin restart', async () => {
    // Down from a quiet moment on, so that no notification reaches it before it stops: the
    // resolution and the next firing both meet a closed port.
    await settledFiring();
    await receiver.stop();
    await speak();
    await api.until('NoMessages', 'firing', 10_000);
    // Attempts fail (connection refused) and stay queued.
    await stack.waitFor(
      async () => {
        const slack = (await api.overview()).channels.find((c) => c.type === 'slack')!;
        return slack.pending === 2 && slack.last_error === 'ECONNREFUSED' ? true : undefined;
      },
      'a refused attempt',
      10_000,
    );
    await stack.admin!.kill();
    receiver = await startAlertReceiver({ port: receiverPort });
    await stack.startAdmin(stack.adminPort);
    api = alertsApi(stack, await stack.login());
    // The new receiver on the same port starts with an empty log: exactly the late deliveries.
    await stack.waitFor(() => firingSent().length === 1 || undefined, 'the late delivery', 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(firingSent()).toHaveLength(1);
    expect(texts().filter((t) => t.includes('RESOLVED NoMessages'))).toHaveLength(1);
    const slack = (await api.overview()).channels.find((c) => c.type === 'slack')!;
    expect(slack.pending).toBe(0);
  });
});
