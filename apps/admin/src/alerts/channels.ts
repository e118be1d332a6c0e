import type { AlertChannelConfig, AlertChannelRow } from '@botpulse/db';
import type { AlertChannelType, AlertChannelView } from '@botpulse/protocol';
import nodemailer from 'nodemailer';
import { type AlertNotification, lines, plainText, renderBody, title } from './notification';

export interface DeliveryResult {
  ok: boolean;
  /** a person-readable reason, free of the channel's secrets */
  error?: string;
  /** the receiver asked us to wait (429/503 Retry-After), ms */
  retryAfterMs?: number;
}

/** `https://hooks.slack.com/…a1b2`: enough to recognise a URL, never enough to use it. */
export function maskUrl(url: string): string {
  if (!URL.canParse(url)) return '…';
  const u = new URL(url);
  const rest = `${u.pathname}${u.search}`;
  return `${u.protocol}//${u.host}/…${rest.length > 8 ? rest.slice(-4) : ''}`;
}

export function channelView(row: AlertChannelRow): AlertChannelView {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    target: row.type === 'email' ? (row.config.to ?? '') : maskUrl(row.config.url ?? ''),
    source: row.source,
    last_delivery_at: row.last_delivery_at?.toISOString() ?? null,
    last_error: row.last_error,
    last_error_at: row.last_error_at?.toISOString() ?? null,
    failures: Number(row.failures),
    pending: Number(row.pending),
  };
}

/** `Retry-After`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export interface ChannelSender {
  send(channel: Pick<AlertChannelRow, 'type' | 'config'>, n: AlertNotification): Promise<DeliveryResult>;
}

const TIMEOUT_MS = 10_000;

/** Sends over HTTP (webhook, Slack, Discord, Teams) or SMTP (nodemailer). */
export function createChannelSender(defaults: { smtpUrl?: string; emailFrom: string }): ChannelSender {
  return {
    async send(channel, n) {
      if (channel.type === 'email') return sendMail(channel.config, n, defaults);
      return sendHttp(channel.type, channel.config.url ?? '', n);
    },
  };
}

async function sendHttp(
  type: Exclude<AlertChannelType, 'email'>,
  url: string,
  n: AlertNotification,
): Promise<DeliveryResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Botpulse-Alerts' },
      body: JSON.stringify(renderBody(type, n)),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true };
    return {
      ok: false,
      error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
    };
  } catch (err) {
    // fetch's errors name the cause (ECONNREFUSED, timeout), not the URL.
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, error: e.cause?.code ?? (e.name === 'TimeoutError' ? 'timed out' : e.message) };
  }
}

async function sendMail(
  config: AlertChannelConfig,
  n: AlertNotification,
  defaults: { smtpUrl?: string; emailFrom: string },
): Promise<DeliveryResult> {
  const smtpUrl = config.smtp_url ?? defaults.smtpUrl;
  if (!smtpUrl) return { ok: false, error: 'SMTP_URL is not set' };
  const u = new URL(smtpUrl);
  const transport = nodemailer.createTransport({
    host: u.hostname,
    port: Number(u.port) || (u.protocol === 'smtps:' ? 465 : 587),
    secure: u.protocol === 'smtps:',
    auth: u.username
      ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
      : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    await transport.sendMail({
      from: config.from ?? defaults.emailFrom,
      to: config.to,
      subject: `[Botpulse] ${title(n)}`,
      text: plainText(n),
      html: `<p><strong>${escapeHtml(title(n))}</strong></p>${lines(n)
        .map((l) => `<p>${escapeHtml(l)}</p>`)
        .join('')}`,
    });
    return { ok: true };
  } catch (err) {
    const e = err as Error & { code?: string; responseCode?: number };
    return { ok: false, error: e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'SMTP error') };
  } finally {
    transport.close();
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type EnvChannel = { id: string; type: AlertChannelType; name: string; config: AlertChannelConfig };

/** The URL-configured channels the environment can name: the env key, the type and the variable. */
const ENV_URL_CHANNELS = [
  ['webhookUrl', 'webhook', 'Webhook (ALERT_WEBHOOK_URL)'],
  ['slackUrl', 'slack', 'Slack (ALERT_SLACK_WEBHOOK_URL)'],
  ['discordUrl', 'discord', 'Discord (ALERT_DISCORD_WEBHOOK_URL)'],
  ['teamsUrl', 'teams', 'Teams (ALERT_TEAMS_WEBHOOK_URL)'],
] as const;

/** Channels named by the environment (ALERT_*, SMTP_URL), with stable ids so restarts update them. */
export function envChannels(env: {
  webhookUrl?: string;
  slackUrl?: string;
  discordUrl?: string;
  teamsUrl?: string;
  emailTo?: string;
}): EnvChannel[] {
  const out: EnvChannel[] = [];
  for (const [key, type, name] of ENV_URL_CHANNELS) {
    const url = env[key];
    if (url) out.push({ id: `env-${type}`, type, name, config: { url } });
  }
  if (env.emailTo)
    out.push({
      id: 'env-email',
      type: 'email',
      name: 'E-mail (ALERT_EMAIL_TO)',
      config: { to: env.emailTo },
    });
  return out;
}
