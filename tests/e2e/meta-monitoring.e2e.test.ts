import type { AccuracyReport, HealthReport, MonitoringDashboard } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPsid, postText } from './helpers/bot';
import { parseExposition } from './helpers/prometheus';

// Monitoring the monitoring (issue #9): the system's own health on /metrics and on the dashboard,
// with thresholds that turn the Bot dot yellow and say why, and the accuracy check's verdict.
describe('meta-monitoring', () => {
  let stack: Stack;
  let cookie: string;
  beforeAll(async () => {
    stack = await startStack({ env: { ACCURACY_CHECK_MINUTES: '0.05' } });
    cookie = await stack.login();
    for (let i = 0; i < 3; i++) await postText(stack, newPsid(), `meta ${i}`);
    await stack.waitFor(async () => (await stack.conversations()).length === 3, 'three messages stored');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("the bot's /metrics carries its own health: lag, link, inbox, SSE clients, overhead, collector memory", async () => {
    const res = await fetch(`${stack.bots[0]!.url}/metrics`, {
      headers: { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` },
    });
    const { samples } = parseExposition(await res.text());
    const names = new Set(samples.map((s) => s.name));
    for (const name of [
      'botpulse_event_loop_lag_p99_seconds',
      'botpulse_admin_link_connected',
      'botpulse_admin_link_buffered_events',
      'botpulse_admin_link_dropped_events_total',
      'botpulse_admin_link_reconnects_total',
      'botpulse_inbox_depth',
      'botpulse_inbox_oldest_pending_seconds',
      'botpulse_sse_clients',
      'botpulse_monitoring_overhead_seconds_per_message',
      'botpulse_collector_memory_bytes',
    ]) {
      expect(names, name).toContain(name);
    }
    expect(samples.find((s) => s.name === 'botpulse_admin_link_connected')?.value).toBe(1);
    expect(samples.find((s) => s.name === 'botpulse_collector_memory_bytes')!.value).toBeGreaterThan(0);
  });

  it("the admin's /metrics carries its own: dashboards, bot links, rollup lag, feed lag, accuracy", async () => {
    const unauthorized = await fetch(`${stack.adminUrl}/metrics`);
    expect(unauthorized.status).toBe(401);
    const res = await fetch(`${stack.adminUrl}/metrics`, {
      headers: { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` },
    });
    const { samples } = parseExposition(await res.text());
    const value = (name: string) => samples.find((s) => s.name === name)?.value;
    expect(value('botpulse_bot_links')).toBe(1);
    for (const name of [
      'botpulse_dashboard_clients',
      'botpulse_rollup_lag_rows',
      'botpulse_rollup_lag_seconds',
      'botpulse_feed_lag_seconds',
      'botpulse_admin_event_loop_lag_p99_seconds',
      'botpulse_accuracy_drifts_total',
      'botpulse_accuracy_ok',
    ]) {
      expect(value(name), name).toBeTypeOf('number');
    }
  });

  it('an inbox event waiting over 30 s turns the Bot dot yellow with the reason in words, then back', async () => {
    // An acknowledged event another (live) instance has claimed but not answered for a minute.
    await stack.db.query(
      `INSERT INTO inbox (dedup_key, sender_id, event_ts, event, received_at, claimed_by, claimed_at)
       VALUES ('m_stuck', '6590000000000001', now(), '{}', now() - interval '60 seconds', 'bot-elsewhere', now())`,
    );
    const report = await stack.waitFor(
      async () => {
        const h = await stack.debug<HealthReport>('/debug/health-quick');
        return h.checks.pipeline.status === 'degraded' ? h : undefined;
      },
      'the pipeline check to turn degraded',
      20_000,
    );
    expect(report.checks.pipeline.reasons.join(' ')).toMatch(/inbox has an event waiting for \d+ s/);
    const dash = await stack.waitFor(
      async () => {
        const d = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
        return d.body.health.services.bot.status === 'degraded' ? d.body : undefined;
      },
      'the Bot service to turn degraded on the dashboard',
      45_000,
    );
    expect(dash.health.services.bot.reasons?.join(' ')).toMatch(/inbox has an event waiting/);
    await stack.db.query(`DELETE FROM inbox WHERE dedup_key = 'm_stuck'`);
    await stack.waitFor(
      async () => {
        const d = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
        return d.body.health.services.bot.status === 'ok';
      },
      'the Bot service back to ok',
      45_000,
    );
  });

  it('the accuracy check runs by itself and its verdict is on the dashboard', async () => {
    const report = await stack.waitFor(
      async () => {
        const d = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
        return d.body.admin.accuracy ?? undefined;
      },
      'an accuracy report',
      30_000,
    );
    expect(report).toMatchObject<Partial<AccuracyReport>>({ ok: true, drifts: [] });
    expect(report.checked.instances).toContain('bot-1');
    // Break a rollup: the next check reports it with the numbers.
    await stack.waitFor(
      async () => (await stack.db.query('SELECT count(*) AS n FROM rollup_queue')).rows[0].n === 0,
      'rollups folded',
    );
    await stack.db.query(
      `UPDATE rollup_slots SET messages = messages + 5 WHERE slot = (SELECT max(slot) FROM rollup_slots)`,
    );
    const drift = await stack.waitFor(
      async () => {
        const d = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
        return d.body.admin.accuracy && !d.body.admin.accuracy.ok ? d.body.admin.accuracy : undefined;
      },
      'a drift report',
      30_000,
    );
    expect(
      drift.drifts.some(
        (x) => x.source === 'rollup' && x.metric === 'messages' && x.actual === x.expected + 5,
      ),
    ).toBe(true);
    // A monitor that disagrees with itself is not "all well": the Bot dot turns yellow and says why.
    const bot = (await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie)).body.health
      .services.bot;
    expect(bot.status).toBe('degraded');
    expect(bot.reasons).toContainEqual(expect.stringMatching(/^accuracy check found \d+ difference/));
    // Repaired, the next check agrees and the dot is green again.
    await stack.db.query(
      `UPDATE rollup_slots SET messages = messages - 5 WHERE slot = (SELECT max(slot) FROM rollup_slots)`,
    );
    await stack.waitFor(
      async () => {
        const d = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
        return d.body.admin.accuracy?.ok && d.body.health.services.bot.status === 'ok' ? true : undefined;
      },
      'the check agreeing again and the Bot dot green',
      30_000,
    );
  });
});
