import { createHash } from 'node:crypto';
import type { AlertChannelType } from '@botpulse/protocol';

/** What one notification says; stored in the outbox, rendered per channel when it is sent. */
export interface AlertNotification {
  kind: 'firing' | 'resolved' | 'test';
  alertname: string;
  severity: string;
  summary: string;
  description: string;
  value: number | null;
  threshold: number | null;
  unit: string;
  labels: Record<string, string>;
  /** when the condition started (ISO) */
  starts_at: string;
  /** on resolve (ISO) */
  ends_at: string | null;
  duration_seconds: number | null;
  /** the Alerts page */
  url: string;
  /** a repeat of a firing alert (repeat_seconds) */
  repeat: boolean;
}

/** `1 h 5 min`, `3 min 12 s`, `4 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${r} s`;
  return `${r} s`;
}

function labelsOf(n: AlertNotification): Record<string, string> {
  return { alertname: n.alertname, severity: n.severity, ...n.labels };
}

export function fingerprint(labels: Record<string, string>): string {
  const canonical = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** The headline, for a person: what, and whether it is over. */
export function title(n: AlertNotification): string {
  if (n.kind === 'test') return 'Botpulse test notification';
  if (n.kind === 'resolved')
    return `RESOLVED ${n.alertname} after ${formatDuration(n.duration_seconds ?? 0)}`;
  return `${n.repeat ? 'STILL FIRING' : 'FIRING'} ${n.alertname}`;
}

/** The body lines: since when, the value against the threshold, the link. */
export function lines(n: AlertNotification): string[] {
  if (n.kind === 'test')
    return ['This is a test from Botpulse: this channel receives alerts.', `Alerts page: ${n.url}`];
  const value =
    n.value === null
      ? null
      : `Value: ${n.value} ${n.unit}${n.threshold !== null ? ` (threshold ${n.threshold})` : ''}`;
  const extra = Object.entries(n.labels).map(([k, v]) => `${k}: ${v}`);
  return [
    n.summary,
    n.kind === 'resolved'
      ? `Lasted ${formatDuration(n.duration_seconds ?? 0)}: from ${n.starts_at} to ${n.ends_at}`
      : `Since ${n.starts_at}`,
    ...(n.kind === 'firing' && value ? [value] : []),
    ...extra,
    `Dashboard: ${n.url}`,
  ];
}

export function plainText(n: AlertNotification): string {
  return [title(n), ...lines(n)].join('\n');
}

/** Alertmanager's webhook payload, version "4" (anything that takes Alertmanager webhooks takes ours). */
export function alertmanagerPayload(n: AlertNotification) {
  const labels = labelsOf(n);
  const status = n.kind === 'resolved' ? 'resolved' : 'firing';
  const annotations = { summary: n.summary, description: n.description };
  return {
    version: '4',
    groupKey: `{}:{alertname="${n.alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'botpulse',
    groupLabels: { alertname: n.alertname },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: n.url.replace(/\/alerts$/, ''),
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: n.starts_at,
        endsAt: n.ends_at ?? '0001-01-01T00:00:00Z',
        generatorURL: n.url,
        fingerprint: fingerprint(labels),
      },
    ],
  };
}

const EMOJI = { firing: '🔴', resolved: '✅', test: '🔔' } as const;

/** The HTTP body for a webhook-style channel. */
export function renderBody(type: Exclude<AlertChannelType, 'email'>, n: AlertNotification): unknown {
  switch (type) {
    case 'webhook':
      return alertmanagerPayload(n);
    case 'slack':
      return { text: `${EMOJI[n.kind]} *${title(n)}*\n${lines(n).join('\n')}` };
    case 'discord':
      return { content: `${EMOJI[n.kind]} **${title(n)}**\n${lines(n).join('\n')}`.slice(0, 2000) };
    case 'teams':
      return {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                {
                  type: 'TextBlock',
                  size: 'Medium',
                  weight: 'Bolder',
                  text: `${EMOJI[n.kind]} ${title(n)}`,
                  color: n.kind === 'firing' ? 'Attention' : 'Good',
                  wrap: true,
                },
                ...lines(n)
                  .slice(0, -1)
                  .map((text) => ({ type: 'TextBlock', text, wrap: true })),
              ],
              actions: [{ type: 'Action.OpenUrl', title: 'Open the Alerts page', url: n.url }],
            },
          },
        ],
      };
  }
}
