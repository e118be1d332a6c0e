import type { BotMetrics, InstanceState } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { checkAccuracy } from '../../apps/admin/src/accuracy/accuracy-check';
import { AnalyticsService } from '../../apps/admin/src/analytics/analytics-service';
import { count } from './admin-support';
import { newPsid, postText, waitForConversations } from './helpers/bot';

// A user sends while DELETE /api/users/:id runs: what was acknowledged but not yet answered is the
// user's data too. It must not be stored after the deletion, the user row must not come back, and
// the bot's in-memory numbers must follow the rows (no restart needed).
describe('user deletion racing the reply pipeline', () => {
  let stack: Stack;
  let cookie: string;
  beforeAll(async () => {
    stack = await startStack({ env: { ROLLUP_INTERVAL_MS: '500' } });
    cookie = await stack.login();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('messages in flight during the deletion are not stored afterwards; the bot recounts', async () => {
    onTestFailed(() => console.log(stack.logs()));
    const victim = newPsid();
    const bystander = newPsid();
    await waitForConversations(stack, [
      await postText(stack, victim, 'first'),
      await postText(stack, bystander, 'hello'),
      await postText(stack, bystander, 'again'),
    ]);
    // Slow replies: these are acknowledged (inbox rows) and being answered when the DELETE runs.
    stack.graph!.setLatency(1_500);
    const inFlight = 5;
    for (let i = 0; i < inFlight; i++) await postText(stack, victim, `in flight ${i}`);
    await new Promise((r) => setTimeout(r, 300));
    const del = await stack.api<{ deleted_messages: number }>(`/api/users/${victim}`, cookie, {
      method: 'DELETE',
    });
    expect(del.status).toBe(200);
    stack.graph!.setLatency(0);
    // Long enough for every in-flight reply to finish and try to store.
    await new Promise((r) => setTimeout(r, 6_000));
    const storedAfter = await count(stack, `SELECT count(*) AS n FROM conversations WHERE facebook_id = $1`, [
      victim,
    ]);
    const userBack = await count(stack, `SELECT count(*) AS n FROM users WHERE facebook_id = $1`, [victim]);
    const inbox = await count(stack, `SELECT count(*) AS n FROM inbox WHERE sender_id = $1`, [victim]);
    console.log(
      `[figures] deletion race: ${storedAfter}/${inFlight} in-flight messages stored after the DELETE, user row back: ${userBack}, inbox rows left: ${inbox}`,
    );
    expect(storedAfter).toBe(0);
    expect(userBack).toBe(0);
    expect(inbox).toBe(0);

    // The bot's counts follow the rows without a restart (user:deleted → recount).
    const sql = await count(stack, `SELECT count(*) AS n FROM conversations`);
    const users = await count(stack, `SELECT count(*) AS n FROM users`);
    const metrics = await stack
      .waitFor(
        async () => {
          const m = await stack.debug<BotMetrics>('/debug/metrics');
          return m.messages.total === sql && m.users.total === users ? m : undefined;
        },
        'the bot to recount',
        10_000,
      )
      .catch(async () => stack.debug<BotMetrics>('/debug/metrics'));
    console.log(
      `[figures] after deletion: bot total ${metrics.messages.total} / users ${metrics.users.total}, SQL ${sql} / ${users}`,
    );
    expect(metrics.messages.total).toBe(sql);
    expect(metrics.users.total).toBe(users);
    expect(metrics.messages.last_hour).toBe(sql);

    // verify-data's check: rollups, analytics and the collector agree with the raw rows.
    await stack.waitFor(
      async () => (await count(stack, 'SELECT count(*) AS n FROM rollup_queue')) === 0,
      'the rollups folded',
    );
    const instance: InstanceState = {
      instance_id: metrics.instance_id,
      status: 'ok',
      connected: true,
      last_seen: metrics.timestamp,
      metrics,
      health: null,
    };
    const report = await checkAccuracy(stack.db, new AnalyticsService(stack.db), [instance]);
    expect(report.drifts).toEqual([]);
  }, 90_000);
});
