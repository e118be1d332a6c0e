/** Alerts (DESIGN.md "Alerts"): rule names, states, channels and the API's shapes. */

export const ALERT_NAMES = [
  'BotDown',
  'DependencyDown',
  'NoMessages',
  'HighFailureRate',
  'SlowReplies',
  'WebhookBacklog',
  'NumbersDrift',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

export type AlertState = 'normal' | 'pending' | 'firing' | 'resolved';

export const ALERT_CHANNEL_TYPES = ['webhook', 'slack', 'discord', 'teams', 'email'] as const;
export type AlertChannelType = (typeof ALERT_CHANNEL_TYPES)[number];

/** One rule with its live state: an entry of `GET /api/alerts`. */
export interface AlertRuleView {
  alertname: AlertName;
  state: AlertState;
  /** ISO time of the last state change */
  since: string;
  /** the last evaluated value (unit: `unit`), null when there was nothing to measure */
  value: number | null;
  enabled: boolean;
  for_seconds: number;
  /** null for rules without a threshold (BotDown, DependencyDown, NumbersDrift) */
  threshold: number | null;
  /** null for rules without a window */
  window_seconds: number | null;
  /** ISO end of the silence covering this rule, if any */
  silenced_until: string | null;
  /** what the rule watches, for a person */
  description: string;
  /** the current situation in words (firing/pending), null when normal */
  summary: string | null;
  unit: string;
  labels: Record<string, string>;
}

export interface AlertChannelView {
  id: string;
  type: AlertChannelType;
  name: string;
  /** where it goes, with secrets masked (`https://hooks.slack.com/…a1b2`, `ops@example.com`) */
  target: string;
  /** `env`: configured by ALERT_* at start-up; `api`: added in the dashboard or API */
  source: 'env' | 'api';
  last_delivery_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  /** failed delivery attempts so far */
  failures: number;
  /** notifications waiting to be delivered (retrying) */
  pending: number;
}

export interface AlertSilenceView {
  id: number;
  /** null: every rule */
  alertname: AlertName | null;
  until: string;
  created_at: string;
}

/** `GET /api/alerts` */
export interface AlertsOverview {
  rules: AlertRuleView[];
  channels: AlertChannelView[];
  silences: AlertSilenceView[];
  /** rules firing right now (the banner) */
  firing: AlertName[];
}

export interface AlertHistoryEntry {
  id: number;
  alertname: AlertName;
  state: AlertState;
  previous: AlertState;
  at: string;
  value: number | null;
  labels: Record<string, string>;
  summary: string | null;
  /** on `resolved`: how long the alert was active (pending start to resolve), seconds */
  duration_seconds: number | null;
  /** the transition happened under a silence: nobody was notified */
  silenced: boolean;
}

/** `GET /api/alerts/history?limit&cursor` (newest first) */
export interface AlertHistoryPage {
  items: AlertHistoryEntry[];
  next_cursor: string | null;
}

/** `POST /api/alerts/channels` */
export interface AlertChannelRequest {
  type: AlertChannelType;
  name?: string;
  /** webhook, slack, discord, teams */
  url?: string;
  /** email */
  to?: string;
}

/** `PUT /api/alerts/rules/:alertname` */
export interface AlertRuleUpdate {
  enabled?: boolean;
  for_seconds?: number;
  threshold?: number;
  window_seconds?: number;
}

/** `POST /api/alerts/silences` */
export interface AlertSilenceRequest {
  alertname?: AlertName;
  until: string;
}
