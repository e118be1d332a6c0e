import { type FakeGraphApi, startFakeGraphApi } from '@botpulse/tools/fakes/graph-api';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphApiClient } from './graph-api';
import { DependencyError } from './retry';

const TOKEN = 'page-token';
const psid = (i: number) => String(6_512_340_000_000_000 + i);

let fake: FakeGraphApi | undefined;
let client: GraphApiClient | undefined;
afterEach(async () => {
  await client?.close();
  await fake?.stop();
  client = undefined;
  fake = undefined;
});

async function start(options: Parameters<typeof startFakeGraphApi>[0] = {}) {
  fake = await startFakeGraphApi({ pageAccessToken: TOKEN, ...options });
  client = new GraphApiClient(fake.url, TOKEN, 2_000);
  return { fake, client };
}

/** The HTTP requests the fake got: batch requests (POST /v24.0/) and calls sent alone. */
function httpRequests(f: FakeGraphApi) {
  const all = f.requests.filter((r) => !r.inBatch);
  return {
    batches: all.filter((r) => r.path === '/v24.0/'),
    alone: all.filter((r) => r.path !== '/v24.0/'),
  };
}

async function outcome<T>(p: Promise<T>): Promise<T | DependencyError> {
  return p.catch((err: unknown) => {
    if (err instanceof DependencyError) return err;
    throw err;
  });
}

describe('GraphApiClient: calls that meet in flight go as one batch request', () => {
  it('sends a call alone while the client is quiet', async () => {
    const { fake, client } = await start();
    const ids = await client.sendText(psid(1), 'hello');
    expect(ids).toHaveLength(1);
    const { batches, alone } = httpRequests(fake);
    expect(batches).toHaveLength(0);
    expect(alone).toMatchObject([{ method: 'POST', path: '/v24.0/me/messages' }]);
    expect(fake.sent().map((s) => s.text)).toEqual(['hello']);
  });

  it('answers each of many concurrent calls with its own result, in far fewer HTTP requests', async () => {
    const { fake, client } = await start();
    const n = 120;
    const [ids, profiles] = await Promise.all([
      Promise.all(Array.from({ length: n }, (_, i) => client.sendText(psid(i), `text ${i} & more=1 ü`))),
      Promise.all(Array.from({ length: 10 }, (_, i) => client.getProfile(psid(i)))),
    ]);
    // Every send reached the right recipient with its exact text, and got its own message id.
    const sent = new Map(fake.sent().map((s) => [s.recipientId, s]));
    expect(sent.size).toBe(n);
    for (let i = 0; i < n; i++) {
      expect(sent.get(psid(i))?.text).toBe(`text ${i} & more=1 ü`);
      expect(ids[i]).toEqual([sent.get(psid(i))?.messageId]);
    }
    expect(new Set(ids.flat()).size).toBe(n);
    for (const [i, p] of profiles.entries()) {
      expect(p.first_name).toBeTruthy();
      expect(p.profile_pic).toContain(psid(i));
    }
    const { batches, alone } = httpRequests(fake);
    expect(batches.length + alone.length).toBeLessThan(n / 4);
    // Meta's limit: at most 50 operations in a batch.
    for (const b of batches) {
      const ops = JSON.parse((b.body as { batch: string }).batch) as unknown[];
      expect(ops.length).toBeGreaterThan(1);
      expect(ops.length).toBeLessThanOrEqual(50);
    }
    expect(batches[0]?.query.access_token).toBe(TOKEN);
  });

  it("gives each call in a batch its own error: Meta's code, and whether a retry may help", async () => {
    const { fake, client } = await start({ unavailablePsids: [psid(3)] });
    fake.setFault({ kind: 'rate_limit', count: 2, paths: 'profile' });
    const results = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => outcome(client.sendText(psid(i), `m${i}`))),
      ...Array.from({ length: 4 }, (_, i) => outcome(client.getProfile(psid(10 + i)))),
    ]);
    expect(httpRequests(fake).batches.length).toBeGreaterThan(0);
    const sends = results.slice(0, 6);
    const profiles = results.slice(6);
    // 551: this person is unavailable (not retryable); the other sends went through.
    expect(sends[3]).toBeInstanceOf(DependencyError);
    expect(sends[3]).toMatchObject({ code: 551, retryable: false, status: 400 });
    expect(sends.filter((r) => Array.isArray(r))).toHaveLength(5);
    // The two rate-limited profile calls fail with 613 (retryable); the others are answered.
    const limited = profiles.filter((r) => r instanceof DependencyError);
    expect(limited).toHaveLength(2);
    for (const e of limited) expect(e).toMatchObject({ code: 613, retryable: true });
  });

  it('a call Meta did not complete in its batch (null) is a retryable timeout; the rest are answered', async () => {
    const { fake, client } = await start({ batchTimeoutMs: 300 });
    fake.setFault({ kind: 'timeout', count: 1, paths: 'send' });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => outcome(client.sendText(psid(i), `m${i}`))),
    );
    const failed = results.filter((r) => r instanceof DependencyError);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ code: 'timeout', retryable: true });
    expect(fake.sent()).toHaveLength(4);
  });

  it('a batch request Meta refuses as a whole fails every call in it with that error', async () => {
    fake = await startFakeGraphApi({ pageAccessToken: TOKEN });
    client = new GraphApiClient(fake.url, 'wrong-token', 2_000);
    const c = client;
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => outcome(c.sendText(psid(i), 'x'))));
    expect(httpRequests(fake).batches.length).toBeGreaterThan(0);
    for (const r of results) expect(r).toMatchObject({ code: 190, retryable: false, status: 401 });
    expect(fake.sent()).toHaveLength(0);
  });

  it('a batch request that times out fails every call in it as a retryable timeout', async () => {
    const { fake, client } = await start();
    fake.setLatency(3_000); // past the client's 2 s timeout
    const results = await Promise.all(
      Array.from({ length: 3 }, (_, i) => outcome(client.sendText(psid(i), 'x'))),
    );
    for (const r of results) {
      expect(r).toMatchObject({
        code: 'timeout',
        retryable: true,
        message: 'Graph API timed out after 2000 ms',
      });
    }
    // The same words as a call alone that times out: what conversations.error and the health card show.
    expect(httpRequests(fake).batches).toHaveLength(1);
  });

  it('the page check goes alone at once, not behind the calls waiting for a slot', async () => {
    const { fake, client } = await start();
    fake.setLatency(300);
    // Four requests out (one at a time, so each goes alone): every partial slot is taken.
    const sends: Array<Promise<string[]>> = [];
    for (let i = 0; i < 4; i++) {
      sends.push(client.sendText(psid(i), 'x'));
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    await client.checkPage();
    expect(performance.now() - started).toBeLessThan(450); // its own 300 ms, not a slot's wait too
    await Promise.all(sends);
    expect(fake.requests.find((r) => r.path === '/v24.0/me' && !r.inBatch)).toBeDefined();
  });
});

describe('GraphApiClient.close', () => {
  it('fails a call still out at once instead of waiting for its timeout', async () => {
    fake = await startFakeGraphApi({ pageAccessToken: TOKEN });
    client = new GraphApiClient(fake.url, TOKEN, 60_000);
    fake.setFault({ kind: 'timeout', count: 1, paths: 'send' });
    const hung = outcome(client.sendText(psid(1), 'x'));
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    await client.close();
    expect(await hung).toBeInstanceOf(DependencyError);
    expect(performance.now() - started).toBeLessThan(1_000); // not the call's 60 s timeout
  });
});
