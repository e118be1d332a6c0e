import { type FaultSpec, FaultSwitch } from './faults';
import { AnswerDice, type ForcedAnswer, type GeminiRealism, type UsageMetadata } from './gemini-usage';
import {
  defaultReply,
  estimateTokens,
  geminiErrors,
  generateSuccess,
  modelDescription,
  parseGenerateRequest,
} from './gemini-wire';
import { BoundedLog, type FakeReply, type FakeRequest, type RecordedRequest, startFakeServer } from './http';

export type { ForcedAnswer, GeminiRealism, UsageMetadata } from './gemini-usage';
export { DEMO_REALISM } from './gemini-usage';
export type { RecordedRequest } from './http';

export type GeminiFaultKind = 'rate_limit' | 'server_error' | 'invalid_argument' | 'timeout';
/** `paths`: 'generate' (POST …:generateContent), 'model' (GET models/…), or 'all' (the default). */
export type GeminiFault = FaultSpec<GeminiFaultKind, 'generate' | 'model'>;

export interface FakeGeminiOptions {
  /** 0 (the default) picks a free port */
  port?: number;
  host?: string;
  /** when set, another key gets 400 API_KEY_INVALID and no key 403; when unset any key is accepted */
  apiKey?: string;
  /** when set, other model names get 404 NOT_FOUND; when unset any model name is served */
  models?: string[];
  /** the reply for the last user text (default: `defaultReply`, short and deterministic) */
  reply?: (userText: string) => string;
  /** keep `requests` and `generations()` (default true); benchmarks turn it off */
  record?: boolean;
  maxRecorded?: number;
  latencyMs?: number;
  /**
   * A test's exact generateContent answer (usageMetadata, finishReason, promptFeedback…) for a
   * request; undefined falls back to the normal answer. Also settable later with `setAnswer`.
   */
  answer?: GenerateAnswer;
  /**
   * Thinking tokens, MAX_TOKENS and SAFETY finishes and prompt blocks at these seeded shares (the
   * demo uses `DEMO_REALISM`). Unset: every answer is a plain STOP without thoughts.
   */
  realism?: GeminiRealism;
  /**
   * Report a system instruction seen before as `cachedContentTokenCount` (Gemini's implicit cache
   * of a repeated prefix). Default true.
   */
  cacheSystemPrompt?: boolean;
}

/** `{status: 200, body}` with the whole JSON body to send, or undefined for the default answer. */
export type GenerateAnswer = (request: {
  model: string;
  userText: string;
}) => { status: number; body: unknown } | undefined;

/** One successful generateContent call: what the user said last and what the fake answered. */
export interface Generation {
  model: string;
  userText: string;
  reply: string;
  at: number;
  /** the usage the answer reported */
  usage: UsageMetadata;
  finishReason: string | null;
  blockReason: string | null;
  modelVersion: string;
}

export interface FakeGemini {
  /** the bot's GEMINI_BASE_URL (origin only: the SDK appends /v1beta/models/…) */
  url: string;
  port: number;
  readonly requests: RecordedRequest[];
  generations(): Generation[];
  counts(): { requests: number; generated: number; errors: number };
  setFault(fault: GeminiFault | null): void;
  setLatency(ms: number): void;
  /** replaces the `answer` hook (null: the default answers) */
  setAnswer(answer: GenerateAnswer | null): void;
  /**
   * The next generate calls answer these, in order, one each (exact usage, finish or block), before
   * the realism dice are used again. A test's way to know the usage the bot must record.
   */
  forceAnswers(...answers: ForcedAnswer[]): void;
  /** sums of the usage reported by the recorded generations */
  usageTotals(): {
    prompt: number;
    cached: number;
    candidates: number;
    thoughts: number;
    blocked: number;
    finishReasons: Record<string, number>;
  };
  /** clears the fault, latency, recorded requests, generations and counts */
  reset(): void;
  stop(): Promise<void>;
}

// The SDK builds `<baseUrl>/<apiVersion>/models/<model>:generateContent`; v1 is accepted too for
// clients that pin it.
const GENERATE = /^\/(v1beta|v1)\/models\/([A-Za-z0-9._-]+):generateContent$/;
const MODEL = /^\/(v1beta|v1)\/models\/([A-Za-z0-9._-]+)$/;
const MODEL_LIST = /^\/(v1beta|v1)\/models$/;

/** A local stand-in for the Gemini API (generateContent and models.get) with injectable faults. */
export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const record = options.record ?? true;
  const maxRecorded = options.maxRecorded ?? 10_000;
  const replyFor = options.reply ?? defaultReply;
  let answerHook = options.answer ?? null;
  const faults = new FaultSwitch<GeminiFaultKind, 'generate' | 'model'>([
    'rate_limit',
    'server_error',
    'invalid_argument',
    'timeout',
  ]);
  const generations = new BoundedLog<Generation>(maxRecorded, record);
  const counts = { requests: 0, generated: 0, errors: 0 };
  let dice = new AnswerDice(options.realism);
  const forced: ForcedAnswer[] = [];
  const seenSystemPrompts = new Set<string>();

  function faultReply(kind: GeminiFaultKind): FakeReply {
    switch (kind) {
      case 'rate_limit':
        return geminiErrors.rateLimit();
      case 'server_error':
        return geminiErrors.internal();
      case 'invalid_argument':
        return geminiErrors.invalidArgument();
      case 'timeout':
        return 'hang';
    }
  }

  function keyCheck(req: FakeRequest): FakeReply | null {
    if (options.apiKey === undefined) return null;
    const header = req.headers['x-goog-api-key'];
    const key = (Array.isArray(header) ? header[0] : header) ?? req.query.get('key') ?? undefined;
    if (key === undefined || key === '') return geminiErrors.keyMissing();
    return key === options.apiKey ? null : geminiErrors.apiKeyInvalid();
  }

  function generate(model: string, req: FakeRequest): FakeReply {
    if (req.bodyInvalid) return geminiErrors.invalidArgument('Invalid JSON payload received.');
    const parsed = parseGenerateRequest(req.body);
    if ('status' in parsed) return parsed;
    const custom = answerHook?.({ model, userText: parsed.lastUserText });
    if (custom) {
      counts.generated += 1;
      return custom;
    }
    const reply = replyFor(parsed.lastUserText);
    const roll = dice.roll();
    let cached = 0;
    if ((options.cacheSystemPrompt ?? true) && parsed.systemText !== '') {
      if (seenSystemPrompts.has(parsed.systemText)) cached = estimateTokens(parsed.systemText);
      else if (seenSystemPrompts.size < 1_000) seenSystemPrompts.add(parsed.systemText);
    }
    const answer = generateSuccess(model, reply, parsed, { ...roll, cached, forced: forced.shift() });
    const body = answer.body as {
      candidates?: Array<{ finishReason: string; content?: { parts: Array<{ text: string }> } }>;
      promptFeedback?: { blockReason: string };
      usageMetadata: UsageMetadata;
      modelVersion: string;
    };
    counts.generated += 1;
    generations.add({
      model,
      userText: parsed.lastUserText,
      reply: body.candidates?.[0]?.content?.parts[0]?.text ?? '',
      at: Date.now(),
      usage: body.usageMetadata,
      finishReason: body.candidates?.[0]?.finishReason ?? null,
      blockReason: body.promptFeedback?.blockReason ?? null,
      modelVersion: body.modelVersion,
    });
    return answer;
  }

  function answer(req: FakeRequest): FakeReply {
    const gen = req.method === 'POST' ? GENERATE.exec(req.path) : null;
    const get = req.method === 'GET' ? MODEL.exec(req.path) : null;
    const list = req.method === 'GET' && MODEL_LIST.test(req.path);
    if (!gen && !get && !list) return geminiErrors.notFound();

    const fault = faults.take(gen ? 'generate' : 'model');
    if (fault) return faultReply(fault);
    const denied = keyCheck(req);
    if (denied) return denied;
    if (list) {
      const names = options.models ?? ['gemini-2.5-flash', 'gemini-2.5-pro'];
      return { status: 200, body: { models: names.map(modelDescription) } };
    }
    const [, version, model] = (gen ?? get)!;
    if (options.models && !options.models.includes(model!))
      return geminiErrors.modelNotFound(model!, version!);
    return gen ? generate(model!, req) : { status: 200, body: modelDescription(model!) };
  }

  const server = await startFakeServer({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    record,
    maxRecorded,
    route(req) {
      counts.requests += 1;
      const reply = answer(req);
      if (reply !== 'hang' && reply.status >= 400) counts.errors += 1;
      return reply;
    },
  });
  if (options.latencyMs) server.setLatency(options.latencyMs);

  return {
    url: server.origin,
    port: server.port,
    get requests() {
      return server.requests();
    },
    generations: () => generations.list(),
    counts: () => ({ ...counts }),
    setFault: (fault) => faults.set(fault),
    setLatency: (ms) => server.setLatency(ms),
    setAnswer: (answer) => {
      answerHook = answer;
    },
    forceAnswers: (...answers) => {
      forced.push(...answers);
    },
    usageTotals() {
      const totals = { prompt: 0, cached: 0, candidates: 0, thoughts: 0, blocked: 0 };
      const finishReasons: Record<string, number> = {};
      for (const g of generations.list()) {
        totals.prompt += g.usage.promptTokenCount;
        totals.cached += g.usage.cachedContentTokenCount ?? 0;
        totals.candidates += g.usage.candidatesTokenCount ?? 0;
        totals.thoughts += g.usage.thoughtsTokenCount ?? 0;
        if (g.blockReason) totals.blocked += 1;
        if (g.finishReason) finishReasons[g.finishReason] = (finishReasons[g.finishReason] ?? 0) + 1;
      }
      return { ...totals, finishReasons };
    },
    reset() {
      forced.length = 0;
      seenSystemPrompts.clear();
      dice = new AnswerDice(options.realism);
      faults.set(null);
      server.setLatency(0);
      server.clearRequests();
      generations.clear();
      Object.assign(counts, { requests: 0, generated: 0, errors: 0 });
    },
    stop: () => server.stop(),
  };
}
