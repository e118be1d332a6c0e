import type { BotMetrics } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countRows, mapConcurrent, median, newPsid, textBody } from './helpers/bot';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ admin: false });
});
afterAll(async () => {
  await stack?.stop();
});

const MESSAGES = 500;
const CONCURRENCY = 50;

it(`stores and answers ${MESSAGES} webhooks posted ${CONCURRENCY} at a time, each once`, async () => {
  const people = Array.from({ length: 100 }, newPsid);
  const bodies = Array.from({ length: MESSAGES }, (_, i) =>
    textBody(people[i % people.length]!, `message ${i}: do you have an appointment on Friday?`),
  );

  const started = performance.now();
  const acks = await mapConcurrent(bodies, CONCURRENCY, async ({ body }) => {
    const res = await stack.post(body, { timeoutMs: 30_000 });
    return { status: res.status, ms: res.durationMs };
  });
  const ackedAfterMs = performance.now() - started;
  expect(acks.filter((a) => a.status !== 200)).toEqual([]);

  await stack.waitFor(
    async () => (await countRows(stack, 'SELECT count(*) AS n FROM conversations')) >= MESSAGES,
    `${MESSAGES} conversation rows`,
    120_000,
  );
  const storedAfterMs = performance.now() - started;
  const seconds = storedAfterMs / 1000;
  const ackMs = acks.map((a) => a.ms).sort((a, b) => a - b);
  console.log(
    `[throughput] ${MESSAGES} messages, ${CONCURRENCY} concurrent: ${(MESSAGES / seconds).toFixed(0)} msgs/s stored and answered ` +
      `(${seconds.toFixed(2)} s; all acknowledged after ${(ackedAfterMs / 1000).toFixed(2)} s; ` +
      `ack p50 ${median(ackMs).toFixed(1)} ms, p95 ${ackMs[Math.floor(ackMs.length * 0.95)]!.toFixed(1)} ms)`,
  );

  const mids = bodies.map((b) => b.mid);
  expect(await countRows(stack, 'SELECT count(*) AS n FROM conversations')).toBe(MESSAGES);
  expect(
    await countRows(stack, 'SELECT count(DISTINCT mid) AS n FROM conversations WHERE mid = ANY ($1)', [mids]),
  ).toBe(MESSAGES);
  expect(await countRows(stack, `SELECT count(*) AS n FROM conversations WHERE status <> 'replied'`)).toBe(0);
  const metrics = await stack.waitFor(async () => {
    const m = await stack.debug<BotMetrics>('/debug/metrics');
    return m.messages.total >= MESSAGES ? m : undefined;
  }, 'every message counted');
  expect(metrics.messages.total).toBe(MESSAGES);
  expect(metrics.users.total).toBe(people.length);
  expect(stack.graph!.sent()).toHaveLength(MESSAGES);
});
