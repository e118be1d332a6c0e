import { randomUUID } from 'node:crypto';
import {
  type Db,
  deleteAlertChannel,
  deleteAlertSilence,
  deleteEnvAlertChannelsExcept,
  getActiveAlertSilences,
  getAlertChannels,
  getAlertHistoryPage,
  getAlertRuleSettings,
  getAlertStates,
  insertAlertChannel,
  insertAlertSilence,
  updateAlertRule,
} from '@botpulse/db';
import type {
  AlertChannelRequest,
  AlertChannelView,
  AlertHistoryPage,
  AlertName,
  AlertRuleUpdate,
  AlertRuleView,
  AlertSilenceView,
  AlertsOverview,
} from '@botpulse/protocol';
import { type ChannelSender, channelView, envChannels } from './channels';
import { ruleSettings } from './evaluator';
import type { AlertNotification } from './notification';
import { RULE_BY_NAME, RULES } from './rules';

export interface AlertsServiceOptions {
  db: Db;
  demo: boolean;
  sender: ChannelSender;
  alertsUrl: () => string;
}

/** What the Alerts API reads and changes; the evaluator and the outbox do the rest. */
export class AlertsService {
  /** the last overview read by this admin (the banner, /metrics) */
  firing: AlertName[] = [];

  constructor(private readonly o: AlertsServiceOptions) {}

  /** Writes the channels the environment names (ALERT_*, SMTP_URL) and drops ones no longer named. */
  async configureFromEnv(env: Parameters<typeof envChannels>[0]): Promise<string[]> {
    const list = envChannels(env);
    for (const c of list) await insertAlertChannel(this.o.db, { ...c, source: 'env' });
    await deleteEnvAlertChannelsExcept(
      this.o.db,
      list.map((c) => c.id),
    );
    return list.map((c) => c.type);
  }

  async overview(): Promise<AlertsOverview> {
    const { db } = this.o;
    const [edited, states, silences, channels] = await Promise.all([
      getAlertRuleSettings(db),
      getAlertStates(db),
      getActiveAlertSilences(db),
      getAlertChannels(db),
    ]);
    const editedBy = new Map(edited.map((r) => [r.alertname, r]));
    const stateBy = new Map(states.map((s) => [s.alertname, s]));
    const rules: AlertRuleView[] = RULES.map((rule) => {
      const s = ruleSettings(rule, editedBy.get(rule.alertname), this.o.demo);
      const st = stateBy.get(rule.alertname);
      const silence = silences.filter((x) => x.alertname === null || x.alertname === rule.alertname).at(-1);
      return {
        alertname: rule.alertname,
        state: st?.state ?? 'normal',
        since: (st?.since ?? new Date()).toISOString(),
        value: st?.value ?? null,
        ...s,
        silenced_until: silence?.until.toISOString() ?? null,
        description: rule.description,
        summary: st && st.state !== 'normal' ? st.summary : null,
        unit: rule.unit,
        labels: st?.state === 'firing' || st?.state === 'pending' ? st.labels : {},
      };
    });
    this.firing = rules.filter((r) => r.state === 'firing').map((r) => r.alertname);
    return {
      rules,
      channels: channels.map(channelView),
      silences: silences.map(silenceView),
      firing: this.firing,
    };
  }

  /** Re-reads which rules fire (every admin, each evaluation tick: the banner and /metrics). */
  async refreshFiring(): Promise<void> {
    this.firing = (await getAlertStates(this.o.db))
      .filter((s) => s.state === 'firing')
      .map((s) => s.alertname as AlertName);
  }

  /** null: no such rule */
  async updateRule(alertname: string, update: AlertRuleUpdate): Promise<AlertRuleView | null> {
    const rule = RULE_BY_NAME.get(alertname as AlertName);
    if (!rule) return null;
    await updateAlertRule(this.o.db, rule.alertname, {
      ...update,
      // Settings a rule does not have are not stored.
      threshold: rule.defaults.threshold === null ? undefined : update.threshold,
      window_seconds: rule.defaults.window_seconds === null ? undefined : update.window_seconds,
    });
    return (await this.overview()).rules.find((r) => r.alertname === rule.alertname)!;
  }

  async history(limit: number, cursor: number | null): Promise<AlertHistoryPage> {
    const rows = await getAlertHistoryPage(this.o.db, limit + 1, cursor);
    const items = rows.slice(0, limit).map((r) => ({
      id: Number(r.id),
      alertname: r.alertname as AlertName,
      state: r.state,
      previous: r.previous,
      at: r.at.toISOString(),
      value: r.value,
      labels: r.labels,
      summary: r.summary,
      duration_seconds: r.duration_seconds,
      silenced: r.silenced,
    }));
    return { items, next_cursor: rows.length > limit ? String(items.at(-1)!.id) : null };
  }

  async channels(): Promise<AlertChannelView[]> {
    return (await getAlertChannels(this.o.db)).map(channelView);
  }

  async addChannel(req: AlertChannelRequest): Promise<AlertChannelView> {
    const id = randomUUID();
    await insertAlertChannel(this.o.db, {
      id,
      type: req.type,
      name: req.name ?? defaultName(req),
      config: req.type === 'email' ? { to: req.to } : { url: req.url },
      source: 'api',
    });
    return (await this.channels()).find((c) => c.id === id)!;
  }

  deleteChannel(id: string): Promise<boolean> {
    return deleteAlertChannel(this.o.db, id);
  }

  /** Sends a test at once (not through the outbox: the person clicking wants the answer now). */
  async testChannel(id: string): Promise<{ ok: boolean; error?: string } | null> {
    const channel = (await getAlertChannels(this.o.db)).find((c) => c.id === id);
    if (!channel) return null;
    const now = new Date().toISOString();
    const n: AlertNotification = {
      kind: 'test',
      alertname: 'BotpulseTest',
      severity: 'info',
      summary: 'Test notification from Botpulse',
      description: 'Sent with "Send test" to check this channel',
      value: null,
      threshold: null,
      unit: '',
      labels: {},
      starts_at: now,
      ends_at: null,
      duration_seconds: null,
      url: this.o.alertsUrl(),
      repeat: false,
    };
    const result = await this.o.sender.send(channel, n);
    return result.ok ? { ok: true } : { ok: false, error: result.error };
  }

  async addSilence(alertname: AlertName | null, until: Date, by: string): Promise<AlertSilenceView> {
    return silenceView(await insertAlertSilence(this.o.db, alertname, until, by));
  }

  deleteSilence(id: number): Promise<boolean> {
    return deleteAlertSilence(this.o.db, id);
  }
}

function silenceView(s: {
  id: number;
  alertname: string | null;
  until: Date;
  created_at: Date;
}): AlertSilenceView {
  return {
    id: Number(s.id),
    alertname: s.alertname as AlertName | null,
    until: s.until.toISOString(),
    created_at: s.created_at.toISOString(),
  };
}

function defaultName(req: AlertChannelRequest): string {
  const names = { webhook: 'Webhook', slack: 'Slack', discord: 'Discord', teams: 'Teams', email: 'E-mail' };
  return names[req.type];
}
