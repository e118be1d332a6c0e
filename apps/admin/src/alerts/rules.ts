import type { AlertName, HealthReport, InstanceState } from '@botpulse/protocol';

/** What a rule is measured against, per evaluation (read once for all seven rules). */
export interface AlertInputs {
  nowMs: number;
  /** bot instances linked to any live admin, with their last health report */
  bots: Array<{ instance_id: string; status: InstanceState['status']; health: HealthReport | null }>;
  /** the evaluating admin's own database check */
  databaseOk: boolean;
  lastMessageAtMs: number | null;
  /** when evaluation started on this deployment (NoMessages counts from here with no message yet) */
  evaluatingSinceMs: number;
  replies: (windowSeconds: number) => Promise<{ messages: number; failed: number; p95_ms: number | null }>;
  inboxOldestSeconds: number;
  accuracy: { ok: boolean; drifts: number } | null;
}

export interface RuleSettings {
  enabled: boolean;
  for_seconds: number;
  threshold: number | null;
  window_seconds: number | null;
}

export interface Condition {
  active: boolean;
  value: number | null;
  /** the situation in words, for the notification and the page */
  summary: string;
  labels: Record<string, string>;
}

export interface RuleDefinition {
  alertname: AlertName;
  severity: 'critical' | 'warning';
  description: string;
  unit: string;
  defaults: RuleSettings;
  evaluate(inputs: AlertInputs, s: RuleSettings): Promise<Condition> | Condition;
}

/** HighFailureRate and SlowReplies need this many messages in the window (a few replies prove nothing). */
export const MIN_MESSAGES = 20;

const usable = (b: AlertInputs['bots'][number]) => b.status !== 'down' && b.status !== 'gone';
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

export const RULES: RuleDefinition[] = [
  {
    alertname: 'BotDown',
    severity: 'critical',
    description: 'No bot instance is linked to an admin, or every linked one reports down',
    unit: 'instances up',
    defaults: { enabled: true, for_seconds: 60, threshold: null, window_seconds: null },
    evaluate({ bots }) {
      const up = bots.filter(usable).length;
      const summary =
        bots.length === 0
          ? 'No bot instance is linked to an admin'
          : `Every linked bot reports down (${bots.map((b) => b.instance_id).join(', ')})`;
      return { active: up === 0, value: up, summary, labels: {} };
    },
  },
  {
    alertname: 'DependencyDown',
    severity: 'critical',
    description: 'The database, the Facebook API or Gemini is down',
    unit: 'dependencies down',
    defaults: { enabled: true, for_seconds: 120, threshold: null, window_seconds: null },
    evaluate({ bots, databaseOk }) {
      const down = new Set<string>();
      if (!databaseOk) down.add('database');
      for (const b of bots) {
        const c = b.health?.checks;
        if (!c || b.status === 'gone') continue;
        if (c.database.status === 'down') down.add('database');
        if (c.facebook.status === 'down') down.add('facebook');
        if (c.gemini.status === 'down') down.add('gemini');
      }
      const list = [...down].sort();
      return {
        active: list.length > 0,
        value: list.length,
        summary: `Down: ${list.join(', ')}`,
        labels: (list.length ? { dependency: list.join(',') } : {}) as Record<string, string>,
      };
    },
  },
  {
    alertname: 'NoMessages',
    severity: 'warning',
    description: 'No user message for a while (window_seconds)',
    unit: 'minutes without a message',
    defaults: { enabled: true, for_seconds: 0, threshold: null, window_seconds: 3600 },
    evaluate({ nowMs, lastMessageAtMs, evaluatingSinceMs }, s) {
      const since = Math.max(lastMessageAtMs ?? 0, lastMessageAtMs === null ? evaluatingSinceMs : 0);
      const silentS = (nowMs - since) / 1000;
      return {
        active: silentS > (s.window_seconds ?? 3600),
        value: round(silentS / 60),
        summary:
          lastMessageAtMs === null
            ? 'No user message has been stored yet'
            : `No user message for ${round(silentS / 60)} min (last at ${new Date(lastMessageAtMs).toISOString()})`,
        labels: {},
      };
    },
  },
  {
    alertname: 'HighFailureRate',
    severity: 'warning',
    description: `Failed replies above threshold % over window_seconds (at least ${MIN_MESSAGES} messages)`,
    unit: '% failed',
    defaults: { enabled: true, for_seconds: 60, threshold: 5, window_seconds: 600 },
    async evaluate({ replies }, s) {
      const r = await replies(s.window_seconds ?? 600);
      const pct = r.messages > 0 ? (100 * r.failed) / r.messages : 0;
      return {
        active: r.messages >= MIN_MESSAGES && pct > (s.threshold ?? 5),
        value: round(pct),
        summary: `${r.failed} of ${r.messages} replies failed (${round(pct)} %, threshold ${s.threshold} %)`,
        labels: {},
      };
    },
  },
  {
    alertname: 'SlowReplies',
    severity: 'warning',
    description: `p95 response time above threshold seconds over window_seconds (at least ${MIN_MESSAGES} messages)`,
    unit: 's p95',
    defaults: { enabled: true, for_seconds: 60, threshold: 5, window_seconds: 600 },
    async evaluate({ replies }, s) {
      const r = await replies(s.window_seconds ?? 600);
      const p95 = (r.p95_ms ?? 0) / 1000;
      return {
        active: r.messages >= MIN_MESSAGES && p95 > (s.threshold ?? 5),
        value: round(p95, 2),
        summary: `p95 response time ${round(p95, 2)} s over ${r.messages} messages (threshold ${s.threshold} s)`,
        labels: {},
      };
    },
  },
  {
    alertname: 'WebhookBacklog',
    severity: 'critical',
    description: 'The oldest unanswered webhook event is older than threshold seconds',
    unit: 's oldest',
    defaults: { enabled: true, for_seconds: 0, threshold: 60, window_seconds: null },
    evaluate({ inboxOldestSeconds }, s) {
      return {
        active: inboxOldestSeconds > (s.threshold ?? 60),
        value: round(inboxOldestSeconds),
        summary: `The oldest unanswered message has waited ${round(inboxOldestSeconds)} s (threshold ${s.threshold} s)`,
        labels: {},
      };
    },
  },
  {
    alertname: 'NumbersDrift',
    severity: 'warning',
    description: 'The accuracy check found the dashboard figures differ from the stored messages',
    unit: 'differences',
    defaults: { enabled: true, for_seconds: 0, threshold: null, window_seconds: null },
    evaluate({ accuracy }) {
      return {
        active: accuracy !== null && !accuracy.ok,
        value: accuracy?.drifts ?? 0,
        summary: `The accuracy check found ${accuracy?.drifts ?? 0} difference(s) with the stored messages`,
        labels: {},
      };
    },
  },
];

export const RULE_BY_NAME = new Map(RULES.map((r) => [r.alertname, r]));
