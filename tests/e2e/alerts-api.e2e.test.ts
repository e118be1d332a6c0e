import type { AlertChannelView, AlertHistoryPage } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertReceiver,
  type MailReceiver,
  startAlertReceiver,
  startMailReceiver,
} from '../../tools/src/fakes/alert-receivers';
import { alertsApi } from './helpers/alerts';

// The Alerts API: a 400 naming the field for bad input, 404 for an unknown rule, channel secrets
// never sent back in full nor logged, "Send test" on every kind, history paged.

const SECRET_PATH = '/services/T000/B000/very-secret-token-123';
let stack: Stack;
let receiver: AlertReceiver;
let mail: MailReceiver;
let api: ReturnType<typeof alertsApi>;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  mail = await startMailReceiver();
  stack = await startStack({
    bots: 0,
    graph: false,
    env: {
      ALERT_EVAL_SECONDS: '0.5',
      ALERT_SLACK_WEBHOOK_URL: receiver.url(SECRET_PATH),
      SMTP_URL: mail.url,
    },
  });
  api = alertsApi(stack, await stack.login());
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
  await mail?.stop();
});

describe('GET /api/alerts', () => {
  it('lists the seven rules with their defaults and the env channel, masked', async () => {
    const res = await api.call<string>('/api/alerts');
    const o = await api.overview();
    expect(o.rules.map((r) => r.alertname)).toEqual([
      'BotDown',
      'DependencyDown',
      'NoMessages',
      'HighFailureRate',
      'SlowReplies',
      'WebhookBacklog',
      'NumbersDrift',
    ]);
    expect(o.rules.find((r) => r.alertname === 'BotDown')).toMatchObject({
      enabled: true,
      for_seconds: 60,
      threshold: null,
    });
    expect(o.rules.find((r) => r.alertname === 'HighFailureRate')).toMatchObject({
      threshold: 5,
      window_seconds: 600,
    });
    expect(o.rules.find((r) => r.alertname === 'DependencyDown')!.for_seconds).toBe(120);
    const slack = o.channels.find((c) => c.id === 'env-slack')!;
    expect(slack).toMatchObject({ type: 'slack', source: 'env' });
    expect(slack.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…-123$/);
    expect(JSON.stringify(res.body)).not.toContain('very-secret-token');
  });

  it('needs a session', async () => {
    expect((await fetch(`${stack.adminUrl}/api/alerts`)).status).toBe(401);
    expect(
      (await fetch(`${stack.adminUrl}/api/alerts/rules/BotDown`, { method: 'PUT', body: '{}' })).status,
    ).toBe(401);
  });
});

describe('PUT /api/alerts/rules/:alertname', () => {
  it.each([
    [{ for_seconds: -1 }, 'for_seconds'],
    [{ for_seconds: 'soon' }, 'for_seconds'],
    [{ for_seconds: 1.5 }, 'for_seconds'],
    [{ threshold: -3 }, 'threshold'],
    [{ window_seconds: 0 }, 'window_seconds'],
    [{ enabled: 'yes' }, 'enabled'],
    [{ color: 'red' }, 'color'],
  ])('%j → 400 naming %s', async (body, field) => {
    const r = await api.call<{ parameter: string; error: string }>('/api/alerts/rules/SlowReplies', {
      method: 'PUT',
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_parameter', parameter: field });
  });

  it('an unknown rule → 404', async () => {
    const r = await api.call('/api/alerts/rules/NoSuchRule', { method: 'PUT', body: '{"enabled":false}' });
    expect(r.status).toBe(404);
  });

  it('changes what is given and keeps the rest', async () => {
    const r = await api.setRule('SlowReplies', { threshold: 2.5, for_seconds: 30 });
    expect(r).toMatchObject({ threshold: 2.5, for_seconds: 30, window_seconds: 600, enabled: true });
    expect(await api.setRule('SlowReplies', { enabled: false })).toMatchObject({
      threshold: 2.5,
      enabled: false,
    });
  });
});

describe('channels', () => {
  it.each([
    [{ type: 'pager', url: 'https://example.com' }, 'type'],
    [{ type: 'slack' }, 'url'],
    [{ type: 'slack', url: 'not a url' }, 'url'],
    [{ type: 'discord', url: 'ftp://example.com/x' }, 'url'],
    [{ type: 'email', to: 'nobody' }, 'to'],
    [{ type: 'email', to: 'ok@example.com, bad' }, 'to'],
  ])('%j → 400 naming %s', async (body, field) => {
    const r = await api.call<{ parameter: string }>('/api/alerts/channels', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(400);
    expect(r.body.parameter).toBe(field);
  });

  it('adds, tests and deletes each kind; "Send test" reaches the receiver', async () => {
    for (const type of ['webhook', 'slack', 'discord', 'teams'] as const) {
      const path = `/${type}/secret-${type}-abcdef`;
      const created = await api.call<AlertChannelView>('/api/alerts/channels', {
        method: 'POST',
        body: JSON.stringify({ type, url: receiver.url(path) }),
      });
      expect(created.status).toBe(201);
      expect(created.body.target).not.toContain(`secret-${type}`);
      const test = await api.call<{ ok: boolean }>(`/api/alerts/channels/${created.body.id}/test`, {
        method: 'POST',
      });
      expect(test.body).toEqual({ ok: true });
      expect(receiver.received(path)).toHaveLength(1);
      expect(JSON.stringify(receiver.received(path)[0]!.body)).toContain('test');
      expect((await api.call(`/api/alerts/channels/${created.body.id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
    }
    const email = await api.call<AlertChannelView>('/api/alerts/channels', {
      method: 'POST',
      body: JSON.stringify({ type: 'email', to: 'oncall@example.com' }),
    });
    expect(email.status).toBe(201);
    const test = await api.call<{ ok: boolean }>(`/api/alerts/channels/${email.body.id}/test`, {
      method: 'POST',
    });
    expect(test.body).toEqual({ ok: true });
    expect(mail.mails.at(-1)!.to).toEqual(['oncall@example.com']);
    expect(mail.mails.at(-1)!.raw).toContain('Botpulse test notification');
  });

  it('a failing test says why', async () => {
    receiver.queue(SECRET_PATH, { status: 500, body: {} });
    const r = await api.call<{ ok: boolean; error: string }>('/api/alerts/channels/env-slack/test', {
      method: 'POST',
    });
    expect(r.body).toEqual({ ok: false, error: 'HTTP 500 Internal Server Error' });
    expect((await api.call('/api/alerts/channels/nope/test', { method: 'POST' })).status).toBe(404);
    expect((await api.call('/api/alerts/channels/nope', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('silences and history', () => {
  it.each([
    [{ until: 'tomorrow' }, 'until'],
    [{}, 'until'],
    [{ alertname: 'Nope', until: new Date(Date.now() + 60_000).toISOString() }, 'alertname'],
    [{ until: new Date(Date.now() - 60_000).toISOString() }, 'until'],
  ])('%j → 400 naming %s', async (body, field) => {
    const r = await api.call<{ parameter: string }>('/api/alerts/silences', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(400);
    expect(r.body.parameter).toBe(field);
  });

  it('a silence for every rule shows on each rule and can be removed', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const r = await api.call<{ id: number }>('/api/alerts/silences', {
      method: 'POST',
      body: JSON.stringify({ until }),
    });
    expect(r.status).toBe(201);
    const o = await api.overview();
    expect(o.rules.every((x) => x.silenced_until === until)).toBe(true);
    expect(o.silences).toHaveLength(1);
    expect((await api.call(`/api/alerts/silences/${r.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api.call(`/api/alerts/silences/${r.body.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api.call('/api/alerts/silences/abc', { method: 'DELETE' })).status).toBe(400);
  });

  it('history pages with a cursor; a bad limit or cursor is a 400', async () => {
    // No bot: BotDown goes pending at once (for 60 s), so there is at least one entry.
    await api.until('BotDown', 'pending', 10_000);
    const first = await api.call<AlertHistoryPage>('/api/alerts/history?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({ alertname: 'BotDown', state: 'pending', previous: 'normal' });
    for (const q of ['limit=0', 'limit=abc', 'limit=9999', 'cursor=x']) {
      const r = await api.call<{ parameter: string }>(`/api/alerts/history?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.parameter).toBe(q.split('=')[0]);
    }
  });

  it('no channel secret reached the log', () => {
    const logs = stack.logs();
    expect(logs).not.toContain('very-secret-token');
    expect(logs).not.toContain('smtp-secret');
    expect(logs).not.toMatch(/secret-(webhook|slack|discord|teams)/);
  });
});
