import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertReceiver, startAlertReceiver } from '../../tools/src/fakes/alert-receivers';
import { alertsApi, onlyRule } from './helpers/alerts';
import { newPsid, postText } from './helpers/bot';

// Each rule from normal to firing to resolved, driven by real faults in the real stack: a failing
// Send API, a slow Gemini, an inbox backlog, a dependency down, silence, a corrupted rollup.

let stack: Stack;
let receiver: AlertReceiver;
let api: ReturnType<typeof alertsApi>;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  stack = await startStack({
    gemini: true,
    env: {
      ALERT_EVAL_SECONDS: '0.5',
      ALERT_SLACK_WEBHOOK_URL: receiver.url('/slack'),
      ACCURACY_CHECK_MINUTES: '0.05',
    },
  });
  api = alertsApi(stack, await stack.login());
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

async function post(n: number, prefix: string) {
  await Promise.all(Array.from({ length: n }, (_, i) => postText(stack, newPsid(), `${prefix} ${i}`)));
}

const slackTexts = () => receiver.received('/slack').map((r) => (r.body as { text: string }).text);

/** Fires, notifies, then (after `recover`) resolves and notifies again. */
async function cycle(name: string, trigger: () => Promise<unknown>, recover: () => Promise<unknown>) {
  await api.until(name, 'normal', 30_000);
  await trigger();
  const firing = await api.until(name, 'firing', 45_000);
  await stack.waitFor(() => slackTexts().some((t) => t.includes(`FIRING ${name}`)), `${name} firing sent`);
  await recover();
  await api.until(name, 'resolved', 45_000);
  await stack.waitFor(() => slackTexts().some((t) => t.includes(`RESOLVED ${name}`)), `${name} resolve sent`);
  const states = (await api.history(name)).map((h) => h.state);
  expect(states.slice(-3)).toEqual(['pending', 'firing', 'resolved']);
  return firing;
}

describe('each rule: normal → firing → resolved', () => {
  it('HighFailureRate: a failing Send API', async () => {
    await onlyRule(api, 'HighFailureRate', { for_seconds: 0, window_seconds: 8, threshold: 5 });
    const firing = await cycle(
      'HighFailureRate',
      async () => {
        stack.graph!.setFault({ kind: 'bad_token', paths: 'send' });
        await post(22, 'fail');
      },
      async () => stack.graph!.setFault(null),
    );
    expect(firing.value).toBeGreaterThan(5);
    expect(firing.summary).toMatch(/replies failed/);
  });

  it('SlowReplies: a slow Gemini', async () => {
    await onlyRule(api, 'SlowReplies', { for_seconds: 0, window_seconds: 8, threshold: 0.4 });
    const firing = await cycle(
      'SlowReplies',
      async () => {
        stack.gemini!.setLatency(600);
        await post(22, 'slow');
      },
      async () => stack.gemini!.setLatency(0),
    );
    expect(firing.value).toBeGreaterThan(0.4);
  });

  it('WebhookBacklog: messages waiting for an answer', async () => {
    await onlyRule(api, 'WebhookBacklog', { for_seconds: 0, threshold: 1 });
    await cycle(
      'WebhookBacklog',
      async () => {
        stack.gemini!.setLatency(4_000);
        await post(3, 'backlog');
      },
      async () => stack.gemini!.setLatency(0),
    );
  });

  it('DependencyDown: Gemini failing every call', async () => {
    await onlyRule(api, 'DependencyDown', { for_seconds: 0 });
    const firing = await cycle(
      'DependencyDown',
      async () => {
        stack.gemini!.setFault({ kind: 'server_error' });
        await post(6, 'gemini down');
      },
      async () => {
        stack.gemini!.setFault(null);
        await post(2, 'gemini back');
      },
    );
    expect(firing.labels.dependency).toContain('gemini');
  });

  it('NoMessages: silence longer than the window', async () => {
    await onlyRule(api, 'NoMessages', { for_seconds: 0, window_seconds: 3 });
    await cycle(
      'NoMessages',
      async () => {},
      async () => post(1, 'hello again'),
    );
  });

  it('NumbersDrift: a corrupted rollup', async () => {
    await onlyRule(api, 'NumbersDrift', { for_seconds: 0 });
    const bump = (n: number) =>
      stack.db.query(
        `UPDATE rollup_slots SET messages = messages + $1 WHERE slot = (SELECT max(slot) FROM rollup_slots)`,
        [n],
      );
    await stack.waitFor(
      async () => (await stack.db.query('SELECT count(*) AS n FROM rollup_queue')).rows[0].n === 0,
      'rollups folded',
    );
    await cycle(
      'NumbersDrift',
      () => bump(5),
      () => bump(-5),
    );
  });
});
