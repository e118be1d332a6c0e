/**
 * Drives the real @google/genai SDK (2.32.0) against the fake, so the fake speaks exactly what the
 * bot's client meets. What the SDK does, read from node_modules/@google/genai/dist/node/index.mjs
 * and confirmed by these tests:
 *
 * - Request: `POST <baseUrl>/v1beta/models/<model>:generateContent`, JSON body
 *   `{contents: [{role, parts: [{text}]}], systemInstruction: {role: 'user', parts: [{text}]},
 *   generationConfig: {maxOutputTokens}}` (a string `contents` becomes one user turn). Headers:
 *   `x-goog-api-key: <key>`, `content-type: application/json`, `user-agent` and
 *   `x-goog-api-client: google-genai-sdk/2.32.0 gl-node/<version>`, and `x-server-timeout: <s>`
 *   when `httpOptions.timeout` is set. `ai.models.get({model})` is `GET <baseUrl>/v1beta/models/<model>`.
 * - Errors: any non-2xx answer throws `ApiError` (exported by the SDK) with `err.status` = the HTTP
 *   status and `err.message` = the JSON error body as a string (parsed only when the answer's
 *   content-type contains application/json). A timeout (`httpOptions.timeout`, per attempt) rejects
 *   with a DOMException named 'AbortError' and no status; a refused connection with
 *   `TypeError: fetch failed`.
 * - Retries: none by default. The SDK retries (via p-retry, on 408/429/500/502/503/504) only when
 *   `httpOptions.retryOptions` is given, e.g. `{attempts: 5, initialDelay: 1, maxDelay: 60}`
 *   (seconds). So the bot owns its retries simply by not passing `retryOptions`; no need to
 *   disable anything. Passing `{attempts: 1}` makes "no SDK retries" explicit.
 * - Environment: the SDK also reads GOOGLE_API_KEY/GEMINI_API_KEY and GOOGLE_GEMINI_BASE_URL when
 *   the constructor options leave them out, so tests always pass both explicitly.
 */
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, shapeOf } from '../testing/shape';
import { type FakeGemini, type FakeGeminiOptions, startFakeGemini } from './gemini';
import { defaultReply } from './gemini-wire';

const KEY = 'test-gemini-key';
const MODEL = 'gemini-2.5-flash';

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(options: FakeGeminiOptions = {}) {
  fake = await startFakeGemini({ apiKey: KEY, ...options });
  return fake;
}

function client(f: FakeGemini, extra: { apiKey?: string; timeout?: number; attempts?: number } = {}) {
  return new GoogleGenAI({
    apiKey: extra.apiKey ?? KEY,
    httpOptions: {
      baseUrl: f.url,
      timeout: extra.timeout ?? 5_000,
      ...(extra.attempts
        ? { retryOptions: { attempts: extra.attempts, initialDelay: 0.01, maxDelay: 0.05 } }
        : {}),
    },
  });
}

function ask(ai: GoogleGenAI, text = 'Do you open on Saturdays?') {
  return ai.models.generateContent({
    model: MODEL,
    contents: [
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'Hello! How can I help?' }] },
      { role: 'user', parts: [{ text }] },
    ],
    config: { systemInstruction: 'You are the friendly assistant of a dental clinic.', maxOutputTokens: 256 },
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('fake Gemini with the real @google/genai SDK', () => {
  it('answers generateContent; the text comes back through response.text', async () => {
    const f = await start();
    const response = await ask(client(f));
    expect(response.text).toBe(defaultReply('Do you open on Saturdays?'));
    expect(response.text!.length).toBeLessThan(200);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);

    const [req] = f.requests;
    expect(req).toMatchObject({ method: 'POST', path: `/v1beta/models/${MODEL}:generateContent` });
    expect(req!.headers['x-goog-api-key']).toBe(KEY);
    expect(req!.headers['x-goog-api-client']).toMatch(/^google-genai-sdk\/2\.32\.0 gl-node\//);
    expect(req!.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'hi' }] },
        { role: 'model', parts: [{ text: 'Hello! How can I help?' }] },
        { role: 'user', parts: [{ text: 'Do you open on Saturdays?' }] },
      ],
      systemInstruction: {
        role: 'user',
        parts: [{ text: 'You are the friendly assistant of a dental clinic.' }],
      },
      generationConfig: { maxOutputTokens: 256 },
    });
    expect(f.generations()).toMatchObject([{ model: MODEL, userText: 'Do you open on Saturdays?' }]);
  });

  it('answers in the fixture shape, with a custom reply when given', async () => {
    const f = await start({ reply: (text) => `You said: ${text}` });
    const res = await fetch(`${f.url}/v1beta/models/${MODEL}:generateContent?key=${KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'ping' }] }] }),
    });
    const body = (await res.json()) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> };
    expect(shapeOf(body)).toEqual(shapeOf(fixture('gemini/generate-success.json')));
    expect(body.candidates[0]!.content.parts[0]!.text).toBe('You said: ping');
  });

  it('cuts the reply at maxOutputTokens with finishReason MAX_TOKENS', async () => {
    const f = await start({ reply: () => 'word '.repeat(100) });
    const response = await client(f).models.generateContent({
      model: MODEL,
      contents: 'tell me everything',
      config: { maxOutputTokens: 5 },
    });
    expect(response.text!.length).toBeLessThanOrEqual(20);
    expect(response.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
  });

  it('describes the model for models.get (the health check)', async () => {
    const f = await start();
    const model = await client(f).models.get({ model: MODEL });
    expect(model).toMatchObject({ name: `models/${MODEL}`, displayName: 'Gemini 2.5 Flash' });
    expect(model.inputTokenLimit).toBeGreaterThan(0);
    expect(f.requests[0]).toMatchObject({ method: 'GET', path: `/v1beta/models/${MODEL}` });
  });

  it('rejects a wrong key with ApiError status 400 API_KEY_INVALID', async () => {
    const f = await start();
    const err = await failure(ask(client(f, { apiKey: 'wrong' })));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    const body = JSON.parse((err as ApiError).message);
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(body.error.details[0].reason).toBe('API_KEY_INVALID');
  });

  it.each([
    ['rate_limit', 429, 'gemini/error-rate-limit.json'],
    ['server_error', 500, 'gemini/error-internal.json'],
    ['invalid_argument', 400, 'gemini/error-invalid-argument.json'],
  ] as const)(
    'surfaces a %s fault as ApiError status %i, without SDK retries',
    async (kind, status, file) => {
      const f = await start();
      f.setFault({ kind });
      const err = await failure(ask(client(f)));
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(status);
      expect(JSON.parse((err as ApiError).message)).toEqual(fixture(file));
      // One request reached the fake: the SDK does not retry unless retryOptions is set.
      expect(f.counts().requests).toBe(1);
    },
  );

  it('retries by itself only when retryOptions is set', async () => {
    const f = await start();
    f.setFault({ kind: 'server_error', count: 2 });
    const response = await ask(client(f, { attempts: 3 }));
    expect(response.text).toBeTruthy();
    expect(f.counts()).toMatchObject({ requests: 3, errors: 2, generated: 1 });
  });

  it('a timeout fault makes the SDK abort after httpOptions.timeout (AbortError, no status)', async () => {
    const f = await start();
    f.setFault({ kind: 'timeout', count: 1, paths: 'generate' });
    const started = performance.now();
    const err = await failure(ask(client(f, { timeout: 300 })));
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect((err as { status?: unknown }).status).toBeUndefined();
    // The fault was used up: the next call succeeds.
    expect((await ask(client(f))).text).toBeTruthy();
  });

  it('adds latency', async () => {
    const f = await start({ latencyMs: 150 });
    const started = performance.now();
    await ask(client(f));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('validates contents and model names like Google', async () => {
    const f = await start({ models: [MODEL] });
    const post = (body: unknown, model = MODEL) =>
      fetch(`${f.url}/v1beta/models/${model}:generateContent`, {
        method: 'POST',
        headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await post({})).toMatchObject({ status: 400, body: { error: { status: 'INVALID_ARGUMENT' } } });
    expect(await post({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] })).toMatchObject({
      status: 400,
    });
    expect(await post({ contents: [{ parts: [{ text: 'x' }] }] }, 'gemini-0.1-nope')).toMatchObject({
      status: 404,
      body: { error: { status: 'NOT_FOUND' } },
    });
    const noKey = await fetch(`${f.url}/v1beta/models/${MODEL}`);
    expect(noKey.status).toBe(403);
  });
});

describe('fake Gemini usage, finishes and blocks (as the bot records them)', () => {
  const SYSTEM = 'You are the friendly assistant of a dental clinic. Answer briefly.';
  const askOnce = (ai: GoogleGenAI, text: string) =>
    ai.models.generateContent({
      model: MODEL,
      contents: [{ role: 'user', parts: [{ text }] }],
      config: { systemInstruction: SYSTEM, maxOutputTokens: 512 },
    });

  it('counts tokens that follow the text, and serves a repeated system prompt from the cache', async () => {
    const f = await start();
    const short = await askOnce(client(f), 'hi');
    const long = await askOnce(
      client(f),
      'Could you tell me whether a cleaning is covered by my insurance plan?',
    );
    const systemTokens = Math.ceil(SYSTEM.length / 4);
    expect(short.usageMetadata).toEqual({
      promptTokenCount: Math.ceil((SYSTEM.length + 2) / 4),
      candidatesTokenCount: Math.ceil(short.text!.length / 4),
      totalTokenCount: Math.ceil((SYSTEM.length + 2) / 4) + Math.ceil(short.text!.length / 4),
    });
    expect(long.usageMetadata!.promptTokenCount!).toBeGreaterThan(short.usageMetadata!.promptTokenCount!);
    expect(long.usageMetadata!.candidatesTokenCount!).toBeGreaterThan(
      short.usageMetadata!.candidatesTokenCount!,
    );
    // The second call repeats the system prompt: its tokens are cached (and still part of the prompt).
    expect(long.usageMetadata!.cachedContentTokenCount).toBe(systemTokens);
    expect(long.modelVersion).toBe(MODEL);
  });

  it('answers exactly what a test forces, in order, then goes back to normal', async () => {
    const f = await start();
    f.forceAnswers(
      {
        usage: {
          promptTokenCount: 1200,
          cachedContentTokenCount: 1000,
          candidatesTokenCount: 80,
          thoughtsTokenCount: 300,
        },
        modelVersion: 'gemini-2.5-flash-preview-09-2025',
      },
      { finishReason: 'MAX_TOKENS', usage: { candidatesTokenCount: 512 } },
      { finishReason: 'SAFETY' },
      { blockReason: 'PROHIBITED_CONTENT', usage: { promptTokenCount: 17 } },
    );
    const ai = client(f);
    const thinking = await askOnce(ai, 'one');
    expect(thinking.usageMetadata).toEqual({
      promptTokenCount: 1200,
      cachedContentTokenCount: 1000,
      candidatesTokenCount: 80,
      thoughtsTokenCount: 300,
      totalTokenCount: 1580,
    });
    expect(thinking.modelVersion).toBe('gemini-2.5-flash-preview-09-2025');
    expect(thinking.text).toBe(defaultReply('one'));

    const cut = await askOnce(ai, 'two');
    expect(cut.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(cut.usageMetadata?.candidatesTokenCount).toBe(512);

    const unsafe = await askOnce(ai, 'three');
    expect(unsafe.candidates?.[0]?.finishReason).toBe('SAFETY');
    expect(unsafe.text).toBeUndefined();
    expect(unsafe.usageMetadata?.candidatesTokenCount).toBeUndefined();

    const blocked = await askOnce(ai, 'four');
    expect(blocked.candidates).toBeUndefined();
    expect(blocked.promptFeedback?.blockReason).toBe('PROHIBITED_CONTENT');
    // a forced usage that names the prompt size is exact: no cached part it did not name
    expect(blocked.usageMetadata).toEqual({ promptTokenCount: 17, totalTokenCount: 17 });
    expect(blocked.text).toBeUndefined();

    const normal = await askOnce(ai, 'five');
    expect(normal.candidates?.[0]?.finishReason).toBe('STOP');
    expect(f.usageTotals()).toMatchObject({
      blocked: 1,
      thoughts: 300,
      finishReasons: { STOP: 2, MAX_TOKENS: 1, SAFETY: 1 },
    });
    expect(f.generations().map((g) => g.blockReason)).toEqual([null, null, null, 'PROHIBITED_CONTENT', null]);
  });

  it('with realism: thinking, MAX_TOKENS, SAFETY and blocks at about the seeded shares, the same for the same seed', async () => {
    const realism = { seed: 7, thinkingShare: 0.4, maxTokensShare: 0.1, safetyShare: 0.05, blockShare: 0.05 };
    const run = async () => {
      const f = await startFakeGemini({ apiKey: KEY, realism });
      try {
        const ai = client(f);
        for (let i = 0; i < 200; i++) await askOnce(ai, `question number ${i}?`);
        return {
          totals: f.usageTotals(),
          thinking: f.generations().filter((g) => g.usage.thoughtsTokenCount).length,
        };
      } finally {
        await f.stop();
      }
    };
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
    expect(a.thinking).toBeGreaterThan(50);
    expect(a.thinking).toBeLessThan(110);
    expect(a.totals.blocked).toBeGreaterThan(2);
    expect(a.totals.blocked).toBeLessThan(25);
    expect(a.totals.finishReasons.MAX_TOKENS).toBeGreaterThan(8);
    expect(a.totals.finishReasons.SAFETY).toBeGreaterThan(2);
    expect(a.totals.finishReasons.STOP).toBeGreaterThan(140);
    // Every answer but the first repeats the system prompt.
    expect(a.totals.cached).toBe(199 * Math.ceil(SYSTEM.length / 4));
  });

  it('reset() clears forced answers and the prompt cache', async () => {
    const f = await start();
    await askOnce(client(f), 'hi');
    f.forceAnswers({ blockReason: 'SAFETY' });
    f.reset();
    const again = await askOnce(client(f), 'hi');
    expect(again.candidates?.[0]?.finishReason).toBe('STOP');
    expect(again.usageMetadata?.cachedContentTokenCount).toBeUndefined();
  });
});

describe('defaultReply', () => {
  it('is short, friendly and deterministic', () => {
    expect(defaultReply('hi')).toBe('Hi there! 👋 How can I help you today?');
    expect(defaultReply('How much is a cleaning?')).toContain('"How much is a cleaning"');
    expect(defaultReply('x'.repeat(5000)).length).toBeLessThan(200);
    expect(defaultReply('I would like to book an appointment')).toBe(
      defaultReply('I would like to book an appointment'),
    );
  });
});
