import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertReceiver,
  type MailReceiver,
  startAlertReceiver,
  startMailReceiver,
} from '../../tools/src/fakes/alert-receivers';
import { alertsApi, onlyRule } from './helpers/alerts';

// Kill the bot: BotDown goes pending, fires after for_seconds, and every channel gets exactly one
// notification even with two admins evaluating; the restarted bot resolves it with the duration.

const FOR_SECONDS = 3;
const CHANNELS = ['/slack', '/discord', '/teams', '/alertmanager'] as const;

let stack: Stack;
let receiver: AlertReceiver;
let mail: MailReceiver;
let api: ReturnType<typeof alertsApi>;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  mail = await startMailReceiver();
  stack = await startStack({
    env: {
      ALERT_EVAL_SECONDS: '0.5',
      ALERT_RETRY_BASE_MS: '200',
      ALERT_SLACK_WEBHOOK_URL: receiver.url('/slack'),
      ALERT_DISCORD_WEBHOOK_URL: receiver.url('/discord'),
      ALERT_TEAMS_WEBHOOK_URL: receiver.url('/teams'),
      ALERT_WEBHOOK_URL: receiver.url('/alertmanager'),
      ALERT_EMAIL_TO: 'ops@example.com',
      ALERT_EMAIL_FROM: 'botpulse@example.com',
      SMTP_URL: mail.url,
    },
  });
  // A second admin on the same database: both report bots, one evaluates.
  await stack.spawnAdmin('admin-2');
  api = alertsApi(stack, await stack.login());
  await onlyRule(api, 'BotDown', { for_seconds: FOR_SECONDS });
  await api.until('BotDown', 'normal');
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
  await mail?.stop();
});

describe('BotDown when the bot process is killed', () => {
  let killedAt = 0;

  it('goes pending, then fires after for_seconds, notifying each channel once', async () => {
    const bot = stack.bots[0]!;
    await bot.process.kill();
    killedAt = Date.now();
    const pending = await api.until('BotDown', 'pending', 10_000);
    expect(pending.summary).toMatch(/No bot instance/);
    const firing = await api.until('BotDown', 'firing', 20_000);
    const firingAt = Date.now();
    expect(firingAt - killedAt).toBeGreaterThanOrEqual(FOR_SECONDS * 1000);
    expect(firing.value).toBe(0);

    const slack = await stack.waitFor(() => receiver.received('/slack')[0], 'the Slack message', 10_000);
    const ms = slack.at - killedAt;
    console.log(`kill → Slack notification: ${ms} ms (for ${FOR_SECONDS} s, eval 0.5 s)`);
    expect(ms).toBeLessThan(FOR_SECONDS * 1000 + 5_000);
    const text = (slack.body as { text: string }).text;
    expect(text).toContain('FIRING BotDown');
    expect(text).toContain('No bot instance is linked');
    expect(text).toContain(`${stack.adminUrl}/alerts`);

    await stack.waitFor(
      () => CHANNELS.every((c) => receiver.received(c).length > 0),
      'every channel',
      10_000,
    );
    await stack.waitFor(() => mail.mails.length > 0, 'the e-mail', 10_000);
    // Several evaluation rounds on both admins later: still exactly one each.
    await new Promise((r) => setTimeout(r, 3_000));
    for (const c of CHANNELS) expect(receiver.received(c), c).toHaveLength(1);
    expect(mail.mails).toHaveLength(1);

    const discord = receiver.received('/discord')[0]!.body as { content: string };
    expect(discord.content).toContain('FIRING BotDown');
    const teams = receiver.received('/teams')[0]!.body as {
      type: string;
      attachments: Array<{ contentType: string; content: { type: string; body: Array<{ text: string }> } }>;
    };
    expect(teams.type).toBe('message');
    expect(teams.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0]!.content.type).toBe('AdaptiveCard');
    expect(teams.attachments[0]!.content.body[0]!.text).toContain('FIRING BotDown');
    const am = receiver.received('/alertmanager')[0]!.body as Record<string, unknown> & {
      alerts: Array<Record<string, unknown> & { labels: Record<string, string> }>;
    };
    expect(am).toMatchObject({ version: '4', status: 'firing', receiver: 'botpulse' });
    expect(Object.keys(am).sort()).toEqual(
      expect.arrayContaining([
        'commonAnnotations',
        'commonLabels',
        'externalURL',
        'groupKey',
        'groupLabels',
        'alerts',
      ]),
    );
    expect(am.alerts[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'BotDown', severity: 'critical' },
    });
    expect(am.alerts[0]).toHaveProperty('fingerprint');
    expect(am.alerts[0]).toHaveProperty('generatorURL');
    expect(mail.mails[0]!.to).toEqual(['ops@example.com']);
    expect(mail.mails[0]!.raw).toContain('FIRING BotDown');
  });

  it('resolves when the bot is back, saying how long it lasted', async () => {
    await stack.restartBot(stack.bots[0]!);
    await api.until('BotDown', 'resolved', 30_000);
    const resolved = await stack.waitFor(
      () => receiver.received('/slack').find((r) => (r.body as { text: string }).text.includes('RESOLVED')),
      'the resolve message',
      10_000,
    );
    expect((resolved.body as { text: string }).text).toMatch(/RESOLVED BotDown after \d+ (min \d+ s|s)/);
    expect((resolved.body as { text: string }).text).toMatch(/Lasted/);
    await stack.waitFor(
      () => CHANNELS.every((c) => receiver.received(c).length === 2),
      'every resolve',
      10_000,
    );
    const am = receiver.received('/alertmanager')[1]!.body as {
      status: string;
      alerts: Array<{ endsAt: string }>;
    };
    expect(am.status).toBe('resolved');
    expect(Date.parse(am.alerts[0]!.endsAt)).toBeGreaterThan(killedAt);

    const history = await api.history('BotDown');
    const states = history.map((h) => h.state);
    expect(states.slice(-3)).toEqual(['pending', 'firing', 'resolved']);
    expect(history.at(-1)!.duration_seconds).toBeGreaterThanOrEqual(FOR_SECONDS);
  });

  it('reports delivery on the channel and the admin /metrics', async () => {
    const { channels } = await api.overview();
    const slack = channels.find((c) => c.type === 'slack')!;
    expect(slack.last_delivery_at).not.toBeNull();
    expect(slack.target).not.toContain('/slack');
    const res = await fetch(`${stack.adminUrl}/metrics`, {
      headers: { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` },
    });
    const text = await res.text();
    expect(text).toMatch(/botpulse_alerts_firing\{alertname="BotDown"\} 0/);
    expect(text).toContain('botpulse_alert_notifications_failed_total');
  });
});
