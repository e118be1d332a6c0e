import type { BotMetrics, HealthReport } from '@botpulse/protocol';
import { defaultReply, type FakeGemini, startFakeGemini } from '@botpulse/tools/fakes';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, newPsid, postText, sentTo, textBody, waitForConversations } from './helpers/bot';
import { scrape, sum } from './helpers/prometheus';

const KEY = 'test-gemini-key';
// Over the Send API's 2,000 characters, but under what the bot's maxOutputTokens (512, about
// 2,048 characters to the fake) lets through uncut.
const LONG_REPLY = Array.from(
  { length: 22 },
  (_, i) =>
    `Point ${i + 1}: our dentists explain every step, and you may ask questions at any time — ça va 👍.`,
).join(' ');

let gemini: FakeGemini;
let stack: Stack;
beforeAll(async () => {
  // The stack's own fake Gemini has no reply hook, so this file serves its own.
  gemini = await startFakeGemini({
    apiKey: KEY,
    reply: (text) => (text.startsWith('Tell me everything') ? LONG_REPLY : defaultReply(text)),
  });
  stack = await startStack({
    admin: false,
    env: { GEMINI_API_KEY: KEY, GEMINI_BASE_URL: gemini.url, GEMINI_MODEL: 'gemini-2.5-flash' },
  });
});
afterAll(async () => {
  await stack?.stop();
  await gemini?.stop();
});

const metrics = () => stack.debug<BotMetrics>('/debug/metrics');
const health = () => stack.debug<HealthReport>('/debug/health-quick');
/** generateContent calls the fake received for one user text (answered or not). */
const generateCalls = (text: string) =>
  gemini.requests.filter((r) => {
    const body = r.body as { contents?: Array<{ parts?: Array<{ text?: string }> }> } | undefined;
    return r.path.endsWith(':generateContent') && body?.contents?.at(-1)?.parts?.[0]?.text === text;
  }).length;
const sendCalls = (psid: string) =>
  stack.graph!.requests.filter(
    (r) =>
      r.path.endsWith('/me/messages') && (r.body as { recipient?: { id?: string } }).recipient?.id === psid,
  ).length;

describe('replies from Gemini', () => {
  it('answers with the text Gemini generated', async () => {
    await stack.waitFor(
      async () => (await health()).checks.gemini.status === 'ok',
      'the Gemini health check',
    );
    const psid = newPsid();
    const text = 'Do you whiten teeth?';
    const [row] = await waitForConversations(stack, [await postText(stack, psid, text)]);
    expect(row).toMatchObject({ status: 'replied', reply_text: defaultReply(text), error: null });
    expect(gemini.generations().map((g) => g.userText)).toContain(text);
    expect(sentTo(stack, psid)).toEqual([{ text: defaultReply(text), messagingType: 'RESPONSE' }]);
  });

  it('sends a reply longer than 2,000 characters as several messages, in order', async () => {
    expect(LONG_REPLY.length).toBeGreaterThan(2000);
    expect(LONG_REPLY.length).toBeLessThanOrEqual(2048);
    const psid = newPsid();
    const [row] = await waitForConversations(stack, [
      await postText(stack, psid, 'Tell me everything about a check-up'),
    ]);
    expect(row).toMatchObject({ status: 'replied', reply_text: LONG_REPLY });
    const parts = sentTo(stack, psid);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.messagingType).toBe('RESPONSE');
      expect(part.text!.length).toBeLessThanOrEqual(2000);
    }
    expect(parts.map((p) => p.text).join(' ')).toBe(LONG_REPLY);
  });

  it('retries a rate-limited Gemini and answers once it recovers', async () => {
    gemini.setFault({ kind: 'rate_limit', count: 2, paths: 'generate' });
    const psid = newPsid();
    const text = 'Can I come in during lunch?';
    const [row] = await waitForConversations(stack, [await postText(stack, psid, text)]);
    expect(row).toMatchObject({ status: 'replied', reply_text: defaultReply(text), error: null });
    expect(generateCalls(text)).toBe(3);
    expect(sentTo(stack, psid)).toHaveLength(1);
  });
});

describe('failures', () => {
  it('answers politely when Gemini keeps failing, and counts and shows the failure', async () => {
    const before = await metrics();
    const failures0 = sum((await scrape(stack)).samples, 'botpulse_reply_failures_total', {
      dependency: 'gemini',
    });
    gemini.setFault({ kind: 'server_error', paths: 'generate' });
    try {
      const psid = newPsid();
      const text = 'Is the clinic open on holidays?';
      const [row] = await waitForConversations(stack, [await postText(stack, psid, text)]);
      expect(row!.status).toBe('failed');
      expect(row!.error).toMatch(/^generate: Gemini 500/);
      expect(row!.reply_text).toMatch(/sorry/i);
      expect(generateCalls(text)).toBe(3);
      // The user is still answered, with the fallback.
      expect(sentTo(stack, psid)).toEqual([{ text: row!.reply_text, messagingType: 'RESPONSE' }]);

      const after = await stack.waitFor(async () => {
        const m = await metrics();
        return m.messages.total === before.messages.total + 1 ? m : undefined;
      }, 'the message counted');
      expect(after.messages.failed_total).toBe(before.messages.failed_total + 1);
      const { samples } = await scrape(stack);
      expect(
        sum(samples, 'botpulse_reply_failures_total', { stage: 'generate', dependency: 'gemini' }) -
          failures0,
      ).toBe(1);
      expect(sum(samples, 'botpulse_messages_total', { status: 'failed' })).toBe(1);

      const report = await health();
      expect(['degraded', 'down']).toContain(report.checks.gemini.status);
      expect(report.checks.gemini.error).toMatch(/Gemini 500/);
      expect(report.status).toBe('degraded');
    } finally {
      gemini.setFault(null);
    }
  });

  it('marks the reply failed when the Send API is rate limited (613), and counts it', async () => {
    const before = await metrics();
    stack.graph!.setFault({ kind: 'rate_limit', paths: 'send' });
    try {
      const psid = newPsid();
      const mids = [await postText(stack, psid, 'Hello?'), await postText(stack, psid, 'Anyone there?')];
      const rows = await waitForConversations(stack, mids);
      for (const row of rows) {
        expect(row.status).toBe('failed');
        expect(row.error).toMatch(/^send: Graph API 613/);
      }
      // Three attempts per reply, none accepted.
      expect(sendCalls(psid)).toBe(6);
      expect(sentTo(stack, psid)).toEqual([]);

      const after = await stack.waitFor(async () => {
        const m = await metrics();
        return m.messages.total === before.messages.total + 2 ? m : undefined;
      }, 'the messages counted');
      expect(after.messages.failed_total).toBe(before.messages.failed_total + 2);
      const { samples } = await scrape(stack);
      expect(sum(samples, 'botpulse_reply_failures_total', { stage: 'send', dependency: 'facebook' })).toBe(
        2,
      );

      const report = await health();
      expect(['degraded', 'down']).toContain(report.checks.facebook.status);
      expect(report.checks.facebook.error).toMatch(/613/);
      expect(report.status).toBe('degraded');
    } finally {
      stack.graph!.setFault(null);
    }
  });

  it('acknowledges webhooks at once while Gemini hangs, and answers once it is back', async () => {
    gemini.setFault({ kind: 'timeout', paths: 'generate' });
    const people = [newPsid(), newPsid(), newPsid()];
    const posts = people.map((psid, i) => textBody(psid, `Are you there? (${i})`));
    const acks: number[] = [];
    try {
      for (const { body } of posts) {
        const res = await stack.post(body);
        expect(res.status).toBe(200);
        acks.push(res.durationMs);
      }
      // Gemini has the three requests and answers none of them.
      await stack.waitFor(
        () => posts.every((_, i) => generateCalls(`Are you there? (${i})`) === 1),
        'three hanging Gemini calls',
      );
      expect(
        await conversations(
          stack,
          posts.map((p) => p.mid),
        ),
      ).toEqual([]);
      // The bot waits up to 15 s for Gemini; the acknowledgement must not wait at all.
      expect(Math.max(...acks)).toBeLessThan(2_000);
    } finally {
      gemini.setFault(null);
    }
    // The bot gives up on a hanging call after its timeout (15 s) and tries again.
    const rows = await waitForConversations(
      stack,
      posts.map((p) => p.mid),
      60_000,
    );
    for (const [i, row] of rows.entries()) {
      expect(row).toMatchObject({ status: 'replied', reply_text: defaultReply(`Are you there? (${i})`) });
    }
  }, 90_000);
});
