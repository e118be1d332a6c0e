import { once } from 'node:events';
import { connect } from 'node:net';
import type { BotMetrics } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  conversations,
  countRows,
  newPsid,
  postText,
  textBody,
  unprocessedInbox,
  waitForConversations,
} from './helpers/bot';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ admin: false });
});
afterAll(async () => {
  await stack?.stop();
});

const metrics = () => stack.debug<BotMetrics>('/debug/metrics');
const sendRequests = () =>
  stack.graph!.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/me/messages'));
const recipient = (body: unknown) => (body as { recipient: { id: string } }).recipient.id;

it('answers every acknowledged message exactly once after the bot is killed mid-reply', async () => {
  const bot = stack.bots[0]!;
  const people = [newPsid(), newPsid(), newPsid()];
  const posts = [...people, ...people].map((psid, i) => ({
    psid,
    ...textBody(psid, `message ${i}: can I reschedule?`),
  }));
  const mids = posts.map((p) => p.mid);

  // A slow Graph API: profile lookups and replies take a while, so the kill lands mid-reply.
  stack.graph!.setLatency(1_500);
  for (const { body } of posts) expect((await stack.post(body)).status).toBe(200);
  // Every acknowledged message is already in the inbox.
  expect(await countRows(stack, 'SELECT count(*) AS n FROM inbox WHERE dedup_key = ANY ($1)', [mids])).toBe(
    posts.length,
  );

  await stack.waitFor(() => sendRequests().length > 0, 'a reply on its way to the Send API');
  await bot.process.kill();
  const inFlight = sendRequests().map((r) => recipient(r.body));
  expect(await conversations(stack, mids)).toEqual([]);

  stack.graph!.setLatency(0);
  await stack.restartBot(bot);
  const rows = await waitForConversations(stack, mids);
  await stack.waitFor(async () => (await unprocessedInbox(stack)) === 0, 'the inbox drained');

  expect(await countRows(stack, 'SELECT count(*) AS n FROM conversations WHERE mid = ANY ($1)', [mids])).toBe(
    posts.length,
  );
  for (const row of rows) expect(row).toMatchObject({ status: 'replied', instance_id: bot.instanceId });
  for (const psid of people) {
    const sent = stack.graph!.sent().filter((s) => s.recipientId === psid);
    const replies = rows.filter((r) => r.facebook_id === psid).map((r) => r.reply_text);
    // Every reply went out; only a reply that was in flight at the kill may have gone out twice.
    for (const reply of replies) expect(sent.map((s) => s.text)).toContain(reply);
    expect(sent.length).toBeGreaterThanOrEqual(replies.length);
    expect(sent.length).toBeLessThanOrEqual(replies.length + inFlight.filter((id) => id === psid).length);
  }
  const m = await stack.waitFor(async () => {
    const r = await metrics();
    return r.messages.total >= posts.length ? r : undefined;
  }, 'the messages counted');
  expect(m.messages.total).toBe(posts.length);
  expect(m.users.total).toBe(people.length);
}, 120_000);

it('stops cleanly and rebuilds the same metrics from the database after a restart', async () => {
  const bot = stack.bots[0]!;
  const psid = newPsid();
  await waitForConversations(stack, [await postText(stack, psid, 'one more, please')]);
  const before = await stack.waitFor(async () => {
    const r = await metrics();
    return r.messages.total === (await conversations(stack)).length ? r : undefined;
  }, 'the collector caught up');

  // A client connection that never sends a request (HTTP clients open spares) must not hold up
  // a graceful stop.
  const idle = connect(bot.port, '127.0.0.1');
  await once(idle, 'connect');
  const stopping = performance.now();
  const exit = await bot.process.stop();
  idle.destroy();
  expect(exit).toEqual({ code: 0, signal: null });
  expect(performance.now() - stopping).toBeLessThan(10_000);
  await stack.restartBot(bot);
  const after = await metrics();

  expect(after.messages).toMatchObject({
    total: before.messages.total,
    last_hour: before.messages.last_hour,
    last_24h: before.messages.last_24h,
    failed_total: before.messages.failed_total,
  });
  expect(after.messages.avg_response_time).toBeCloseTo(before.messages.avg_response_time, 6);
  expect(after.users).toMatchObject({
    total: before.users.total,
    active_today: before.users.active_today,
    active_this_week: before.users.active_this_week,
  });
  expect(after.uptime).toBeLessThan(before.uptime + 60);
});
