import { request } from 'node:http';
import { signBody } from '@botpulse/tools/messenger';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, newPsid, postText, textBody, waitForConversations } from './helpers/bot';
import { scrape, sum } from './helpers/prometheus';
import { SseReader } from './helpers/sse';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ admin: false });
});
afterAll(async () => {
  await stack?.stop();
});

const webhook = () => `${stack.bots[0]!.url}/webhook`;
const inboxRows = () => countRows(stack, 'SELECT count(*) AS n FROM inbox');

async function postRaw(body: string, signature: string | undefined) {
  const res = await fetch(webhook(), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-hub-signature-256': signature } : {}),
    },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    json: (text.startsWith('{') ? JSON.parse(text) : {}) as { error?: string; message?: string },
  };
}

/**
 * POSTs a large signed body in full and resolves with the answer's status. The bot reads and drops
 * the rest of an oversized body before it answers, so a sender that pushes everything reads the
 * 413 (no EPIPE): with a Content-Length, and chunked.
 */
function postOversized(body: string, chunked: boolean): Promise<number> {
  const url = new URL(webhook());
  const bytes = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody(bytes, stack.secrets.FB_APP_SECRET),
        ...(chunked ? {} : { 'content-length': bytes.length }),
      },
    });
    req.on('response', (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

describe('webhook signatures', () => {
  it('refuses unsigned and wrongly signed bodies and stores nothing of them', async () => {
    const refused = [newPsid(), newPsid(), newPsid()];
    const [missing, wrong, other] = refused.map((psid) => JSON.stringify(textBody(psid, 'let me in').body));

    expect((await stack.post(missing!, { signature: 'none' })).status).toBe(401);
    expect((await stack.post(wrong!, { signature: 'invalid' })).status).toBe(403);
    // A valid signature, but of another body: the HMAC must cover the exact bytes received.
    const swapped = await postRaw(other!, signBody(missing!, stack.secrets.FB_APP_SECRET));
    expect(swapped.status).toBe(403);
    expect(swapped.json.error).toBe('invalid_signature');
    expect(await inboxRows()).toBe(0);

    // A signed message afterwards is answered; the refused ones never are.
    const welcome = newPsid();
    await waitForConversations(stack, [await postText(stack, welcome, 'hello')]);
    expect(await countRows(stack, 'SELECT count(*) AS n FROM conversations')).toBe(1);
    expect(
      await countRows(stack, 'SELECT count(*) AS n FROM users WHERE facebook_id = ANY ($1)', [refused]),
    ).toBe(0);
    expect(stack.graph!.sent().map((s) => s.recipientId)).toEqual([welcome]);

    const { samples } = await scrape(stack);
    expect(sum(samples, 'botpulse_webhook_requests_total', { outcome: 'bad_signature' })).toBe(3);
  });

  it('answers 413 to a body over 5 MB, 400 to invalid JSON, 404 to another object, and names the problem', async () => {
    const before = await inboxRows();
    const secret = stack.secrets.FB_APP_SECRET;

    const huge = JSON.stringify(textBody(newPsid(), 'x'.repeat(5 * 1024 * 1024)).body);
    expect(await postOversized(huge, false)).toBe(413);
    expect(await postOversized(huge, true)).toBe(413);

    const broken = '{"object":"page","entry":[';
    const invalid = await postRaw(broken, signBody(broken, secret));
    expect(invalid.status).toBe(400);
    expect(invalid.json.message).toMatch(/JSON/);

    const noEntry = JSON.stringify({ object: 'page' });
    const missingEntry = await postRaw(noEntry, signBody(noEntry, secret));
    expect(missingEntry.status).toBe(400);
    expect(missingEntry.json.message).toMatch(/^entry\b/);

    const user = JSON.stringify({ object: 'user', entry: [{ id: '1', time: Date.now(), changes: [] }] });
    const notPage = await postRaw(user, signBody(user, secret));
    expect(notPage.status).toBe(404);
    expect(notPage.json.message).toMatch(/user/);

    expect(await inboxRows()).toBe(before);
    const { samples } = await scrape(stack);
    expect(sum(samples, 'botpulse_webhook_requests_total', { outcome: 'too_large' })).toBe(2);
    expect(sum(samples, 'botpulse_webhook_requests_total', { outcome: 'invalid' })).toBe(3);
  });
});

describe('verify handshake', () => {
  const verify = (token: string) =>
    fetch(
      `${webhook()}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`,
    );

  it('answers the challenge to the right verify token only', async () => {
    const ok = await verify(stack.secrets.FB_VERIFY_TOKEN);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await verify(`${stack.secrets.FB_VERIFY_TOKEN}x`);
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('1158201444');
  });
});

describe('debug endpoints', () => {
  const paths = ['/debug/health-quick', '/debug/metrics', '/debug/message-stream', '/metrics'];
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(stack.bots[0]!.url + path, { headers });

  it('refuse requests without the bearer token', async () => {
    for (const path of paths) {
      const none = await get(path);
      expect(none.status, path).toBe(401);
      expect(none.headers.get('www-authenticate'), path).toBe('Bearer');
      expect((await get(path, { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}x` })).status, path).toBe(
        401,
      );
      expect((await get(path, { authorization: stack.secrets.DEBUG_TOKEN })).status, path).toBe(401);
    }
    for (const path of ['/debug/health-quick', '/debug/metrics', '/metrics']) {
      const res = await get(path, { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` });
      expect(res.status, path).toBe(200);
      await res.body?.cancel();
      // Only the SSE stream takes the token in the URL (EventSource cannot send headers).
      expect((await get(`${path}?token=${stack.secrets.DEBUG_TOKEN}`)).status, path).toBe(401);
    }
  });

  it('let the SSE stream authenticate with ?token=', async () => {
    const wrong = await get(`/debug/message-stream?token=${stack.secrets.DEBUG_TOKEN}x`);
    expect(wrong.status).toBe(401);
    const sse = await SseReader.open(
      `${stack.bots[0]!.url}/debug/message-stream?token=${stack.secrets.DEBUG_TOKEN}`,
    );
    try {
      expect(sse.status).toBe(200);
      expect(sse.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await stack.waitFor(() => sse.retryMs !== undefined, 'the retry prelude');
    } finally {
      await sse.close();
    }
  });
});
