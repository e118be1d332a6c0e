import { afterEach, describe, expect, it } from 'vitest';
import { nameForPsid } from '../simulator/names';
import { fixture, shapeOf } from '../testing/shape';
import { type FakeGraphApi, type FakeGraphApiOptions, startFakeGraphApi } from './graph-api';

const TOKEN = 'page-token';
const USER = '6512340000000001';

let fake: FakeGraphApi | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(options: FakeGraphApiOptions = {}) {
  fake = await startFakeGraphApi({ pageAccessToken: TOKEN, ...options });
  return fake;
}

async function call(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

function send(f: FakeGraphApi, body: unknown, token = TOKEN) {
  return call(`${f.url}/me/messages?access_token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const message = (text: string, recipient = USER) => ({
  recipient: { id: recipient },
  messaging_type: 'RESPONSE',
  message: { text },
});

describe('fake Graph API: Send API', () => {
  it('accepts a valid message, answers like the fixture and records it', async () => {
    const f = await start();
    expect(f.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v24\.0$/);
    const res = await send(f, message('Hello there'));
    expect(res.status).toBe(200);
    expect(shapeOf(res.body)).toEqual(shapeOf(fixture('graph-api/send-success.json')));
    expect(res.body.recipient_id).toBe(USER);
    expect(res.body.message_id).toMatch(/^m_[A-Za-z0-9_-]{86}$/);

    const again = await send(f, message('Hello again'));
    expect(again.body.message_id).not.toBe(res.body.message_id);
    expect(f.sent().map((s) => s.text)).toEqual(['Hello there', 'Hello again']);
    expect(f.sent()[0]).toMatchObject({
      recipientId: USER,
      messagingType: 'RESPONSE',
      messageId: res.body.message_id,
    });
    expect(f.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v24.0/me/messages',
      query: { access_token: TOKEN },
      body: message('Hello there'),
    });
  });

  it('accepts the token as a Bearer header and sender actions without a message', async () => {
    const f = await start();
    const res = await call(`${f.url}/me/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: { id: USER }, sender_action: 'typing_on' }),
    });
    expect(res).toMatchObject({ status: 200, body: { recipient_id: USER } });
    expect(res.body).not.toHaveProperty('message_id');
  });

  it('answers a wrong token with error 190 (HTTP 401)', async () => {
    const f = await start();
    const res = await send(f, message('hi'), 'wrong');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: {
        ...(fixture('graph-api/error-bad-token.json') as { error: object }).error,
        fbtrace_id: expect.any(String),
      },
    });
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect(f.sent()).toEqual([]);
  });

  it.each([
    [
      'no recipient',
      { messaging_type: 'RESPONSE', message: { text: 'x' } },
      'The parameter recipient is required',
    ],
    [
      'no message',
      { recipient: { id: USER }, messaging_type: 'RESPONSE' },
      'Must send either message or sender action',
    ],
    ['no messaging_type', { recipient: { id: USER }, message: { text: 'x' } }, 'messaging_type is required'],
    [
      'a bad messaging_type',
      { ...message('x'), messaging_type: 'PROMO' },
      'must be one of {RESPONSE, UPDATE, MESSAGE_TAG}',
    ],
    ['text over 2000 characters', message('a'.repeat(2001)), 'less than or equal to 2000'],
    ['an empty text', message(''), 'non-empty'],
    ['an empty message', { ...message('x'), message: {} }, 'Message cannot be empty'],
  ])('answers %s with error 100', async (_name, body, text) => {
    const f = await start();
    const res = await send(f, body);
    expect(res.status).toBe(400);
    expect(shapeOf(res.body)).toEqual(shapeOf(fixture('graph-api/error-rate-limit.json')));
    expect(res.body.error).toMatchObject({ type: 'OAuthException', code: 100 });
    expect((res.body.error as { message: string }).message).toMatch(/^\(#100\) /);
    expect((res.body.error as { message: string }).message).toContain(text);
  });

  it('counts characters, not UTF-16 units, for the 2000 limit', async () => {
    const f = await start();
    expect((await send(f, message('👋'.repeat(2000)))).status).toBe(200);
    expect((await send(f, message('👋'.repeat(2001)))).status).toBe(400);
  });
});

describe('fake Graph API: User Profile API and /me', () => {
  it('serves a deterministic name, or the one set with setProfile', async () => {
    const f = await start();
    const url = (psid: string) =>
      `${f.url}/${psid}?fields=first_name,last_name,profile_pic&access_token=${TOKEN}`;
    const res = await call(url(USER));
    expect(res.status).toBe(200);
    expect(shapeOf(res.body)).toEqual(shapeOf(fixture('graph-api/profile.json')));
    const expected = nameForPsid(USER);
    expect(res.body).toMatchObject({
      id: USER,
      first_name: expected.firstName,
      last_name: expected.lastName,
    });

    f.setProfile(USER, {
      firstName: 'Lena',
      lastName: 'Okafor',
      profilePic: 'https://pic.example.invalid/x.jpg',
    });
    expect((await call(url(USER))).body).toEqual({
      first_name: 'Lena',
      last_name: 'Okafor',
      profile_pic: 'https://pic.example.invalid/x.jpg',
      id: USER,
    });
  });

  it('answers unavailable people with error 551 and unknown fields with error 100', async () => {
    const f = await start({ unavailablePsids: ['6512340000000009'] });
    const gone = await call(`${f.url}/6512340000000009?fields=first_name&access_token=${TOKEN}`);
    expect(gone.status).toBe(400);
    expect(gone.body).toEqual({
      error: {
        ...(fixture('graph-api/error-person-unavailable.json') as { error: object }).error,
        fbtrace_id: expect.any(String),
      },
    });
    const bad = await call(`${f.url}/${USER}?fields=first_name,shoe_size&access_token=${TOKEN}`);
    expect(bad.body.error).toMatchObject({ code: 100 });
  });

  it('answers GET /me with the page', async () => {
    const f = await start();
    const res = await call(`${f.url}/me?fields=id,name&access_token=${TOKEN}`);
    expect(res).toMatchObject({ status: 200, body: { name: 'Botpulse Demo Page', id: '104828345670001' } });
  });

  it('accepts any token when none is configured, and rejects unknown routes like Graph does', async () => {
    const f = await start({ pageAccessToken: undefined });
    expect((await call(`${f.url}/me`)).status).toBe(200);
    const res = await call(`${f.url}/me/feed`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'GraphMethodException', code: 100, error_subcode: 33 });
  });
});

describe('fake Graph API: batch requests', () => {
  function batch(f: FakeGraphApi, ops: unknown, extra = '', token = TOKEN) {
    return fetch(`${f.url}/?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `batch=${encodeURIComponent(typeof ops === 'string' ? ops : JSON.stringify(ops))}${extra}`,
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as unknown }));
  }
  const sendOp = (text: string, recipient = USER) => ({
    method: 'POST',
    relative_url: 'me/messages',
    body: new URLSearchParams({
      recipient: JSON.stringify({ id: recipient }),
      messaging_type: 'RESPONSE',
      message: JSON.stringify({ text }),
    }).toString(),
  });

  it('answers each operation in order as Meta does: its code and its body as a JSON string', async () => {
    const f = await start({ unavailablePsids: ['6512340000000009'] });
    const res = await batch(
      f,
      [
        sendOp('first & second = ü'),
        { method: 'GET', relative_url: `${USER}?fields=first_name,last_name` },
        sendOp('nobody', '6512340000000009'),
      ],
      '&include_headers=false',
    );
    expect(res.status).toBe(200);
    const answers = res.body as Array<{ code: number; body: string; headers?: unknown }>;
    expect(answers.map((a) => a.code)).toEqual([200, 200, 400]);
    for (const a of answers) expect(a.headers).toBeUndefined();
    const sent = JSON.parse(answers[0]!.body) as Record<string, unknown>;
    expect(shapeOf(sent)).toEqual(shapeOf(fixture('graph-api/send-success.json')));
    expect(JSON.parse(answers[1]!.body)).toMatchObject({ id: USER, first_name: nameForPsid(USER).firstName });
    expect(JSON.parse(answers[2]!.body)).toMatchObject({ error: { code: 551 } });
    expect(f.sent().map((s) => s.text)).toEqual(['first & second = ü']);
    // The batch and each of its operations are recorded; counts are per operation.
    expect(f.requests.map((r) => [r.path, r.inBatch ?? false])).toEqual([
      ['/v24.0/', false],
      ['/v24.0/me/messages', true],
      [`/v24.0/${USER}`, true],
      ['/v24.0/me/messages', true],
    ]);
    expect(f.counts()).toMatchObject({ requests: 3, sent: 1, profiles: 1, errors: 1 });
  });

  it('an operation that hangs holds the whole batch back, as a request alone would hang', async () => {
    const f = await start();
    f.setFault({ kind: 'timeout', count: 1, paths: 'send' });
    const answered = await Promise.race([
      batch(f, [sendOp('a'), sendOp('b')]).then(
        () => true,
        () => true,
      ),
      new Promise((r) => setTimeout(() => r(false), 500)),
    ]);
    expect(answered).toBe(false);
    // The other operation was carried out meanwhile (Meta may deliver what it never confirmed).
    expect(f.sent().map((s) => s.text)).toEqual(['b']);
  });

  it("includes headers unless told not to, and after Meta's batch time limit answers null for what hangs", async () => {
    const f = await start({ batchTimeoutMs: 100 });
    f.setFault({ kind: 'timeout', count: 1, paths: 'send' });
    const started = performance.now();
    const res = await batch(f, [sendOp('a'), sendOp('b')]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    const answers = res.body as Array<{
      code: number;
      headers: Array<{ name: string; value: string }>;
    } | null>;
    expect(answers[0]).toBeNull();
    expect(answers[1]?.code).toBe(200);
    expect(answers[1]?.headers).toContainEqual({
      name: 'content-type',
      value: 'application/json; charset=UTF-8',
    });
    expect(f.sent().map((s) => s.text)).toEqual(['b']);
  });

  it('refuses a wrong token, a malformed batch and more than 50 operations as a whole', async () => {
    const f = await start();
    expect(await batch(f, [sendOp('a')], '', 'nope')).toMatchObject({
      status: 401,
      body: { error: { code: 190 } },
    });
    expect(await batch(f, 'not json')).toMatchObject({ status: 400, body: { error: { code: 100 } } });
    expect(await batch(f, [{ method: 'GET' }])).toMatchObject({
      status: 400,
      body: { error: { code: 100 } },
    });
    const tooMany = await batch(
      f,
      Array.from({ length: 51 }, () => sendOp('x')),
    );
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('Maximum batch size is 50');
    expect(f.sent()).toHaveLength(0);
  });
});

describe('fake Graph API: faults and latency', () => {
  it('injects a rate limit (613) for the next N send requests only', async () => {
    const f = await start();
    f.setFault({ kind: 'rate_limit', count: 2, paths: 'send' });
    const profile = await call(`${f.url}/${USER}?access_token=${TOKEN}`);
    expect(profile.status).toBe(200);
    const first = await send(f, message('a'));
    const second = await send(f, message('b'));
    const third = await send(f, message('c'));
    expect([first.status, second.status, third.status]).toEqual([400, 400, 200]);
    expect(first.body).toEqual({
      error: {
        ...(fixture('graph-api/error-rate-limit.json') as { error: object }).error,
        fbtrace_id: expect.any(String),
      },
    });
    expect(f.sent().map((s) => s.text)).toEqual(['c']);
  });

  it('injects server errors (500) and bad tokens until cleared', async () => {
    const f = await start();
    f.setFault({ kind: 'server_error' });
    for (let i = 0; i < 3; i++) expect((await send(f, message('x'))).status).toBe(500);
    expect((await call(`${f.url}/me?access_token=${TOKEN}`)).status).toBe(500);
    f.setFault({ kind: 'bad_token', paths: 'profile' });
    expect((await call(`${f.url}/${USER}?access_token=${TOKEN}`)).body.error).toMatchObject({ code: 190 });
    expect((await send(f, message('x'))).status).toBe(200);
    f.setFault(null);
    expect((await call(`${f.url}/${USER}?access_token=${TOKEN}`)).status).toBe(200);
  });

  it('never answers during a timeout fault, and stop() releases the hanging request', async () => {
    const f = await start();
    f.setFault({ kind: 'timeout', count: 1 });
    const hanging = fetch(`${f.url}/me?access_token=${TOKEN}`).then(
      () => 'answered',
      () => 'failed',
    );
    const winner = await Promise.race([
      hanging,
      new Promise((r) => setTimeout(() => r('still waiting'), 200)),
    ]);
    expect(winner).toBe('still waiting');
    await f.stop();
    expect(await hanging).toBe('failed');
  });

  it('adds latency', async () => {
    const f = await start();
    f.setLatency(120);
    const started = performance.now();
    await call(`${f.url}/me?access_token=${TOKEN}`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('rejects invalid fault settings with a clear error', async () => {
    const f = await start();
    expect(() => f.setFault({ kind: 'rate_limit', count: 0 })).toThrow(/count/);
    expect(() => f.setLatency(-1)).toThrow(/latency/);
  });
});

describe('fake Graph API under load', () => {
  it('serves thousands of keep-alive requests quickly, with bounded recording', async () => {
    const f = await start({ maxRecorded: 500 });
    const total = 3000;
    const started = performance.now();
    for (let batch = 0; batch < total / 100; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const res = await send(f, message(`m${batch}-${i}`));
          if (res.status !== 200) throw new Error(`status ${res.status}`);
        }),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    expect(f.counts()).toMatchObject({ requests: total, sent: total, errors: 0 });
    expect(f.requests.length).toBe(500);
    expect(f.sent().length).toBe(500);
    expect(f.sent().at(-1)?.text).toBe(`m${total / 100 - 1}-99`);
    // Generous on purpose (CI machines vary); locally this is well over 2,000 requests/s.
    expect(total / seconds).toBeGreaterThan(300);
  });

  it('records nothing when record is off', async () => {
    const f = await start({ record: false });
    await send(f, message('x'));
    expect(f.requests).toEqual([]);
    expect(f.sent()).toEqual([]);
    expect(f.counts().sent).toBe(1);
  });
});
