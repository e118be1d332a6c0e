import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const fixture = (name: string) => readFileSync(join(ROOT, 'tools/fixtures/messenger', name), 'utf8');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

it('a signed webhook is stored, answered and shows up on the admin', async () => {
  const res = await stack.post(fixture('text-with-quick-reply.json'));
  expect(res.status).toBe(200);
  const rows = await stack.waitFor(async () => {
    const r = await stack.conversations();
    return r.length === 1 ? r : undefined;
  }, 'the conversation row');
  expect(rows[0]).toMatchObject({
    kind: 'quick_reply',
    message_text: 'Do you open on Saturdays?',
    status: 'replied',
  });
  const cookie = await stack.login();
  const dash = await stack.api<{ totals: { messages: { total: number } } }>(
    '/api/monitoring/dashboard',
    cookie,
  );
  expect(dash.status).toBe(200);
  expect(dash.body.totals.messages.total).toBe(1);
});
