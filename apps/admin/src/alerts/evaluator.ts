import { randomUUID } from 'node:crypto';
import {
  type AlertStateRow,
  acquireAlertLease,
  type Db,
  enqueueAlertNotifications,
  forgetAlertAdmin,
  getActiveAlertSilences,
  getAlertBotLinks,
  getAlertChannels,
  getAlertRuleSettings,
  getAlertStates,
  getInboxBacklog,
  getLastMessageAt,
  insertAlertHistory,
  pingDatabase,
  type ReplyWindowStats,
  releaseAlertLease,
  reportAlertBotLinks,
  saveAlertState,
  withTransaction,
} from '@botpulse/db';
import type { AccuracyReport, AlertName, HealthReport, InstanceState } from '@botpulse/protocol';
import type { Logger } from '@botpulse/runtime';
import type { AlertNotification } from './notification';
import { ReplyWindow } from './reply-window';
import { type AlertInputs, RULES, type RuleDefinition, type RuleSettings } from './rules';
import { advance, initialState, type RuleState } from './state-machine';

const LEASE = 'alert-evaluator';

export interface EvaluatorOptions {
  db: Db;
  log: Logger;
  evalMs: number;
  repeatSeconds: number;
  demo: boolean;
  /** the Alerts page, for links in notifications */
  alertsUrl: () => string;
  /** bot instances linked to this admin's own sockets */
  localBots: () => InstanceState[];
  accuracy: () => AccuracyReport | null;
  /** called after a tick that queued notifications (the deliverer starts at once) */
  onQueued: () => void;
  /** after every tick, on every admin (`leader`: this admin evaluated) */
  afterTick: (leader: boolean) => Promise<void>;
}

/** Effective settings: the edited ones over the defaults (NoMessages is off by default in demo mode). */
export function ruleSettings(
  rule: RuleDefinition,
  edited:
    | {
        enabled: boolean | null;
        for_seconds: number | null;
        threshold: number | null;
        window_seconds: number | null;
      }
    | undefined,
  demo: boolean,
): RuleSettings {
  const d = rule.defaults;
  return {
    enabled: edited?.enabled ?? (rule.alertname === 'NoMessages' && demo ? false : d.enabled),
    for_seconds: edited?.for_seconds ?? d.for_seconds,
    threshold: d.threshold === null ? null : (edited?.threshold ?? d.threshold),
    window_seconds: d.window_seconds === null ? null : (edited?.window_seconds ?? d.window_seconds),
  };
}

/**
 * Every admin reports its linked bots each tick; the one holding the lease evaluates the seven
 * rules and writes transitions with their notifications in one transaction, so each is sent once.
 */
export class AlertEvaluator {
  readonly adminId = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly startedAtMs = Date.now();
  leader = false;
  /** duration of the last evaluation (the lease holder only), ms */
  lastEvalMs = 0;
  evaluations = 0;
  /** the reply rules' window, kept up to date by id (read only while this admin evaluates) */
  private readonly replyWindow: ReplyWindow;

  constructor(private readonly o: EvaluatorOptions) {
    this.replyWindow = new ReplyWindow(o.db);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.evalMs);
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
    await releaseAlertLease(this.o.db, LEASE, this.adminId).catch(() => {});
    await forgetAlertAdmin(this.o.db, this.adminId).catch(() => {});
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.evaluateIfLeader();
      await this.o.afterTick(this.leader);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'alert evaluation failed');
    } finally {
      this.running = false;
    }
  }

  private async evaluateIfLeader(): Promise<void> {
    const { db } = this.o;
    await reportAlertBotLinks(
      db,
      this.adminId,
      this.o.localBots().map((b) => ({ instance_id: b.instance_id, status: b.status, health: b.health })),
    );
    const ttl = Math.max(3 * this.o.evalMs, 2_000);
    this.leader = await acquireAlertLease(db, LEASE, this.adminId, ttl);
    if (!this.leader) {
      this.replyWindow.forget();
      return;
    }
    const t0 = performance.now();
    const queued = await this.evaluate(ttl);
    this.lastEvalMs = performance.now() - t0;
    this.evaluations++;
    if (queued) this.o.onQueued();
  }

  private async inputs(freshMs: number): Promise<AlertInputs> {
    const { db } = this.o;
    const links = await getAlertBotLinks(db, freshMs);
    // One instance may be linked to two admins for a moment (a reconnect): the best report wins.
    const bots = new Map<string, AlertInputs['bots'][number]>();
    for (const l of links) {
      const b = {
        instance_id: l.instance_id,
        status: l.status as InstanceState['status'],
        health: l.health as HealthReport | null,
      };
      const seen = bots.get(l.instance_id);
      if (!seen || seen.status === 'down' || seen.status === 'gone') bots.set(l.instance_id, b);
    }
    const cache = new Map<number, Promise<ReplyWindowStats>>();
    const accuracy = this.o.accuracy();
    const [databaseOk, lastMessageAt, backlog] = await Promise.all([
      pingDatabase(db).then(
        () => true,
        () => false,
      ),
      getLastMessageAt(db),
      getInboxBacklog(db),
    ]);
    return {
      nowMs: Date.now(),
      bots: [...bots.values()],
      databaseOk,
      lastMessageAtMs: lastMessageAt?.getTime() ?? null,
      evaluatingSinceMs: this.startedAtMs,
      replies: (w) => {
        const p = cache.get(w) ?? this.replyWindow.stats(w);
        cache.set(w, p);
        return p;
      },
      inboxOldestSeconds: backlog.oldest_pending_s,
      accuracy: accuracy ? { ok: accuracy.ok, drifts: accuracy.drifts.length } : null,
    };
  }

  /** One evaluation under the lease; true when notifications were queued. */
  private async evaluate(ttlMs: number): Promise<boolean> {
    const { db } = this.o;
    const inputs = await this.inputs(ttlMs);
    const edited = new Map((await getAlertRuleSettings(db)).map((r) => [r.alertname, r]));
    const conditions = await Promise.all(
      RULES.map(async (rule) => {
        const s = ruleSettings(rule, edited.get(rule.alertname), this.o.demo);
        const c = s.enabled
          ? await rule.evaluate(inputs, s)
          : { active: false, value: null, summary: '', labels: {} };
        return { rule, s, c };
      }),
    );
    return withTransaction(db, async (tx) => {
      // The lease row is locked until commit: an admin taking over waits, then sees our writes.
      const { rows } = await tx.query<{ holder: string }>(
        `SELECT holder FROM alert_lease WHERE name = $1 AND expires_at > now() FOR UPDATE`,
        [LEASE],
      );
      if (rows[0]?.holder !== this.adminId) return false;
      const now = new Date();
      const states = new Map((await getAlertStates(tx)).map((s) => [s.alertname, s]));
      const silences = await getActiveAlertSilences(tx);
      let channels: string[] | undefined;
      let queued = false;
      for (const { rule, s, c } of conditions) {
        const prev: RuleState = states.get(rule.alertname) ?? initialState(now);
        const silenced = silences.some((x) => x.alertname === null || x.alertname === rule.alertname);
        const step = advance(prev, c, {
          now,
          forSeconds: s.for_seconds,
          repeatSeconds: this.o.repeatSeconds,
          silenced,
        });
        await saveAlertState(tx, { alertname: rule.alertname, ...step.next } as AlertStateRow);
        for (const t of step.transitions) {
          await insertAlertHistory(tx, {
            alertname: rule.alertname,
            state: t.to,
            previous: t.from,
            at: now,
            value: step.next.value,
            labels: step.next.labels,
            summary: t.to === 'normal' ? null : step.next.summary,
            duration_seconds: t.duration_seconds,
            silenced,
          });
          this.o.log.info(
            { alertname: rule.alertname, from: t.from, to: t.to, silenced },
            'alert state changed',
          );
        }
        if (step.notify) {
          channels ??= (await getAlertChannels(tx)).map((ch) => ch.id);
          const resolved = step.transitions.find((t) => t.to === 'resolved');
          const n: AlertNotification = {
            kind: step.notify,
            alertname: rule.alertname,
            severity: rule.severity,
            summary: step.next.summary ?? rule.description,
            description: rule.description,
            value: step.next.value,
            threshold: s.threshold,
            unit: rule.unit,
            labels: step.next.labels,
            starts_at: (step.next.active_since ?? now).toISOString(),
            ends_at: step.notify === 'resolved' ? now.toISOString() : null,
            duration_seconds: resolved?.duration_seconds ?? null,
            url: this.o.alertsUrl(),
            repeat: step.notify === 'firing' && prev.notified && prev.state === 'firing',
          };
          const ids = await enqueueAlertNotifications(tx, channels, step.notify, rule.alertname, n);
          queued ||= ids.length > 0;
        }
      }
      return queued;
    });
  }
}

export type { AlertName };
