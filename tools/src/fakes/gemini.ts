import { type FaultSpec, FaultSwitch } from './faults';
import {
  defaultReply,
  geminiErrors,
  generateSuccess,
  modelDescription,
  parseGenerateRequest,
} from './gemini-wire';
import { BoundedLog, type FakeReply, type FakeRequest, type RecordedRequest, startFakeServer } from './http';

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
    counts.generated += 1;
    generations.add({ model, userText: parsed.lastUserText, reply, at: Date.now() });
    return generateSuccess(model, reply, parsed);
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
    reset() {
      faults.set(null);
      server.setLatency(0);
      server.clearRequests();
      generations.clear();
      Object.assign(counts, { requests: 0, generated: 0, errors: 0 });
    },
    stop: () => server.stop(),
  };
}
