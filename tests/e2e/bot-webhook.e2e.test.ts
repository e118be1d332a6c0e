import type { BotMetrics } from '@botpulse/protocol';
import {
  attachmentMessage,
  DEMO_PAGE,
  delivery,
  echo,
  entry,
  type MessagingEvent,
  postback,
  quickReplyMessage,
  read,
  textMessage,
  webhookBody,
} from '@botpulse/tools/messenger';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversations,
  countRows,
  fixtureText,
  newPsid,
  postText,
  sentTo,
  textBody,
  unprocessedInbox,
  users,
  waitForConversations,
} from './helpers/bot';
import { scrape, sum } from './helpers/prometheus';

// The fixtures' users, with the names the fake User Profile API serves for them.
const PROFILES = {
  '6512340000000001': { firstName: 'Zoë', lastName: 'Okafor' },
  '6512340000000002': { firstName: 'Søren', lastName: 'Müller' },
  '6512340000000003': { firstName: 'Chloé', lastName: "O'Brien" },
  '6512340000000004': { firstName: 'Yuki', lastName: 'Tanaka' },
  '6512340000000005': { firstName: 'José', lastName: 'García' },
} as const;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ admin: false });
  for (const [psid, profile] of Object.entries(PROFILES)) stack.graph!.setProfile(psid, profile);
});
afterAll(async () => {
  await stack?.stop();
});

const metrics = () => stack.debug<BotMetrics>('/debug/metrics');

describe('Messenger payloads', () => {
  it('stores every user-message fixture with its kind and text, and answers each user', async () => {
    for (const name of [
      'text-with-quick-reply.json',
      'attachment-image.json',
      'postback.json',
      'batched-mixed.json',
    ]) {
      const res = await stack.post(fixtureText(name));
      expect(res, name).toMatchObject({ status: 200, body: 'EVENT_RECEIVED' });
    }
    // [mid, sender, kind, stored text] of every user message in those fixtures, in order.
    const expected = (
      [
        ['text01', '1', 'quick_reply', 'Do you open on Saturdays?'],
        ['img01', '2', 'attachment', '[image]'],
        ['pb01', '3', 'postback', 'Get Started'],
        ['b01', '4', 'text', 'hi'],
        ['b02', '4', 'text', 'how much is a cleaning?'],
        ['b03', '5', 'text', 'Çа va? 你好 👋'],
      ] as const
    ).map(([mid, user, kind, text]) => ({
      mid: `m_AbCdEf0123456789aBcDeF_${mid}`,
      psid: `651234000000000${user}`,
      kind,
      text,
    }));
    const rows = await waitForConversations(
      stack,
      expected.map((e) => e.mid),
    );
    for (const [i, e] of expected.entries()) {
      expect(rows[i], e.mid).toMatchObject({
        facebook_id: e.psid,
        kind: e.kind,
        message_text: e.text,
        status: 'replied',
        error: null,
        instance_id: stack.bots[0]!.instanceId,
      });
      expect(rows[i]!.reply_text, e.mid).toMatch(/\S/);
    }
    // Meta's own event time is kept, not the time of processing.
    expect(rows[0]!.timestamp.getTime()).toBe(1764067200001);

    const stored = await users(stack, Object.keys(PROFILES));
    for (const [psid, p] of Object.entries(PROFILES)) {
      expect(stored.get(psid), psid).toMatchObject({ first_name: p.firstName, last_name: p.lastName });
    }

    // Each user got exactly their replies, in order, as responses to their own message.
    for (const psid of Object.keys(PROFILES)) {
      const replies = rows
        .filter((r) => r.facebook_id === psid)
        .map((r) => ({ text: r.reply_text, messagingType: 'RESPONSE' }));
      expect(sentTo(stack, psid), psid).toEqual(replies);
    }
  });

  it('stores nothing for echoes, deliveries and reads, but counts them', async () => {
    const before = { rows: (await conversations(stack)).length, sent: stack.graph!.sent().length };
    const inboxBefore = await countRows(stack, 'SELECT count(*) AS n FROM inbox');
    for (const name of ['echo.json', 'delivery-and-read-batched.json']) {
      expect((await stack.post(fixtureText(name))).status, name).toBe(200);
    }
    // The inbox is written before the 200, so anything stored would already be there.
    expect(await countRows(stack, 'SELECT count(*) AS n FROM inbox')).toBe(inboxBefore);

    // A message after them: once it is answered, anything the echo/receipts caused would be too.
    const psid = newPsid();
    const sentinel = await postText(stack, psid, 'are you there?');
    await waitForConversations(stack, [sentinel]);
    expect((await conversations(stack)).length).toBe(before.rows + 1);
    expect(stack.graph!.sent().length).toBe(before.sent + 1);
    expect(await conversations(stack, ['m_AbCdEf0123456789aBcDeF_echo01'])).toEqual([]);

    const { samples } = await scrape(stack);
    for (const type of ['echo', 'delivery', 'read']) {
      expect(sum(samples, 'botpulse_webhook_events_total', { type }), type).toBe(1);
    }
  });

  it('processes several entries with mixed events in one POST', async () => {
    const [a, b, c] = [newPsid(), newPsid(), newPsid()];
    const quick = quickReplyMessage({ psid: a, text: 'Book a cleaning', payload: 'BOOK' });
    const image = attachmentMessage({ psid: b, type: 'image' });
    const button = postback({ psid: c, title: 'Opening hours', payload: 'HOURS' });
    const text = textMessage({ psid: a, text: 'thanks!' });
    const body = webhookBody([
      entry(DEMO_PAGE.id, [quick, echo({ psid: a, text: 'We can do Tuesday.' }), image]),
      entry(DEMO_PAGE.id, [
        delivery({ psid: b, watermark: Date.now() }),
        button,
        read({ psid: c, watermark: Date.now() }),
        text,
      ]),
    ]);
    expect((await stack.post(body)).status).toBe(200);

    const rows = await waitForConversations(stack, [
      quick.message.mid,
      image.message.mid,
      button.postback.mid!,
      text.message.mid,
    ]);
    expect(rows.map((r) => [r.facebook_id, r.kind, r.message_text])).toEqual([
      [a, 'quick_reply', 'Book a cleaning'],
      [b, 'attachment', '[image]'],
      [c, 'postback', 'Opening hours'],
      [a, 'text', 'thanks!'],
    ]);
    // One user's two messages are answered in the order they were sent.
    expect(sentTo(stack, a).map((s) => s.text)).toEqual([rows[0]!.reply_text, rows[3]!.reply_text]);
    expect(sentTo(stack, b)).toHaveLength(1);
    expect(sentTo(stack, c)).toHaveLength(1);
    expect(
      await countRows(stack, 'SELECT count(*) AS n FROM conversations WHERE facebook_id = ANY ($1)', [
        [a, b, c],
      ]),
    ).toBe(4);
  });
});

describe('redelivery', () => {
  const page = (...events: MessagingEvent[]) => webhookBody([entry(DEMO_PAGE.id, events)]);

  async function counters() {
    const { samples } = await scrape(stack);
    return {
      total: (await metrics()).messages.total,
      prom: sum(samples, 'botpulse_messages_total'),
      duplicates: sum(samples, 'botpulse_webhook_events_total', { type: 'duplicate' }),
    };
  }

  /** Each user has exactly one stored, answered message, counted once everywhere. */
  async function expectOncePerUser(psids: string[], before: Awaited<ReturnType<typeof counters>>) {
    const perUser = 'SELECT count(*) AS n FROM conversations WHERE facebook_id = ANY ($1)';
    await stack.waitFor(async () => (await countRows(stack, perUser, [psids])) >= psids.length, 'the rows');
    await stack.waitFor(async () => (await unprocessedInbox(stack)) === 0, 'the inbox drained');
    await stack.waitFor(
      async () => (await metrics()).messages.total >= before.total + psids.length,
      'the messages counted',
    );
    for (const psid of psids) {
      expect(await countRows(stack, perUser, [[psid]]), psid).toBe(1);
      expect(sentTo(stack, psid), psid).toHaveLength(1);
    }
    const after = await counters();
    expect(after.total).toBe(before.total + psids.length);
    expect(after.prom).toBe(before.prom + psids.length);
    return after;
  }

  it('stores and counts a message delivered twice once', async () => {
    const before = await counters();

    // Meta retries with the same bytes after the first delivery was answered…
    const later = newPsid();
    const first = textBody(later, 'Do you take new patients?');
    const raw = JSON.stringify(first.body);
    expect((await stack.post(raw)).status).toBe(200);
    await waitForConversations(stack, [first.mid]);
    expect((await stack.post(raw)).status).toBe(200);
    // …also after the inbox row was pruned (processed rows are deleted after a day)…
    await stack.db.query('DELETE FROM inbox WHERE dedup_key = $1', [first.mid]);
    expect((await stack.post(raw)).status).toBe(200);

    // …or while the first delivery is still being stored…
    const racing = newPsid();
    const second = JSON.stringify(textBody(racing, 'Is parking available?').body);
    const answers = await Promise.all([stack.post(second), stack.post(second)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);

    // …or twice in one POST.
    const twice = newPsid();
    const event = textMessage({ psid: twice, text: 'Can I pay by card?' });
    expect((await stack.post(page(event, event))).status).toBe(200);

    const after = await expectOncePerUser([later, racing, twice], before);
    expect(after.duplicates - before.duplicates).toBe(4);
  });

  it('recognises a postback without a mid by its sender and timestamp', async () => {
    const before = await counters();
    const tapper = newPsid();
    const tap = postback({ psid: tapper, title: 'Get Started', payload: 'GET_STARTED', mid: null });
    const raw = JSON.stringify(page(tap));
    expect((await stack.post(raw)).status).toBe(200);
    expect((await stack.post(raw)).status).toBe(200);

    const after = await expectOncePerUser([tapper], before);
    expect(after.duplicates - before.duplicates).toBe(1);
    const rows = (await conversations(stack)).filter((r) => r.facebook_id === tapper);
    expect(rows).toMatchObject([
      { kind: 'postback', message_text: 'Get Started', timestamp: new Date(tap.timestamp) },
    ]);
  });
});
