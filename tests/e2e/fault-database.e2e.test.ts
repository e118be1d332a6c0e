import type { HealthReport, MonitoringDashboard } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { connect, type DashboardSocket, dashboardSocket, record, subscribe } from './admin-support';
import { conversations, newPsid, textBody } from './helpers/bot';

// The database goes away for a while (a proxy between the services and it cuts every connection):
// nothing acknowledged is lost, nothing lost is acknowledged, health says so, and it all recovers.
describe('database unreachable for a while', () => {
  let stack: Stack;
  let cookie: string;
  let socket: DashboardSocket | undefined;
  beforeAll(async () => {
    stack = await startStack({ databaseProxy: true });
    cookie = await stack.login();
  }, 120_000);
  afterAll(async () => {
    socket?.disconnect();
    await stack?.stop();
  });

  const health = async () => {
    const res = await fetch(`${stack.bots[0]!.url}/debug/health-quick`, {
      headers: { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` },
    });
    return { status: res.status, body: (await res.json()) as HealthReport };
  };

  it('answers 503 (so Meta retries) while it cannot store, turns the database red, then recovers by itself', async () => {
    // The processes' last lines explain a failure (e.g. a service that died during the outage).
    onTestFailed(() => console.log(stack.logs()));
    // A dashboard that is open through the outage: its health goes red, then green again.
    socket = dashboardSocket(stack, { cookie, origin: stack.adminUrl });
    expect(await connect(socket)).toEqual({ ok: true });
    const healthEvents = record(socket, 'health:changed');
    expect(await subscribe(socket, { channels: ['health'] })).toMatchObject({ ok: true });
    await stack.waitFor(() => healthEvents.length > 0, 'the current health');
    expect(healthEvents[0]!.envelope.data.services.database.status).toBe('ok');

    const psid = newPsid();
    // Slow replies: these messages are acknowledged, then the database goes away before they are stored.
    stack.graph!.setLatency(1_500);
    const early = [textBody(psid, 'before the outage 1'), textBody(psid, 'before the outage 2')];
    for (const m of early) expect((await stack.post(m.body)).status).toBe(200);

    stack.dbProxy!.block();
    const during = textBody(psid, 'during the outage');
    const refused = await stack.post(during.body, { timeoutMs: 30_000 });
    expect(refused.status).toBe(503);
    const red = await stack.waitFor(
      async () => {
        const h = await health();
        return h.body.checks.database.status === 'down' ? h : undefined;
      },
      'the database check to turn down',
      15_000,
    );
    expect(red.status).toBe(503);
    expect(red.body.status).toBe('down');

    // The admin cannot check sessions without its database: it says so with a 503, not a 500.
    const dash = await fetch(`${stack.adminUrl}/api/monitoring/dashboard`, { headers: { cookie } });
    expect(dash.status).toBe(503);

    await new Promise((r) => setTimeout(r, 3_000));
    const redEvent = await stack.waitFor(
      () => healthEvents.find((e) => e.envelope.data.services.database.status === 'down'),
      'health:changed with the database down on the dashboard',
      15_000,
    );
    expect(redEvent.envelope.data.overall).toBe('down');
    expect(redEvent.envelope.data.services.database.error).toEqual(expect.any(String));
    const redIndex = healthEvents.indexOf(redEvent);
    stack.dbProxy!.unblock();
    stack.graph!.setLatency(0);

    await stack.waitFor(
      async () => (await health()).body.checks.database.status === 'ok',
      'the database check to turn ok',
      20_000,
    );
    // Meta retries the refused one; the acknowledged ones were stored once the database came back.
    expect((await stack.post(during.body)).status).toBe(200);
    const mids = [...early.map((m) => m.mid), during.mid];
    const rows = await stack.waitFor(
      async () => {
        const r = await conversations(stack, mids);
        return r.length === 3 ? r : undefined;
      },
      'all three messages stored',
      60_000,
    );
    expect(rows.map((r) => r.mid).sort()).toEqual([...mids].sort());
    const after = await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie);
    expect(after.status).toBe(200);
    expect(after.body.health.services.database.status).toBe('ok');
    await stack.waitFor(
      () => healthEvents.slice(redIndex + 1).some((e) => e.envelope.data.services.database.status === 'ok'),
      'health:changed with the database ok again on the dashboard',
      15_000,
    );
    // Counted once each.
    const metrics = await stack.debug<{ messages: { total: number } }>('/debug/metrics');
    expect(metrics.messages.total).toBe(3);
  }, 120_000);
});
